namespace MeetEngage;

/// <summary>
/// What went wrong, as a user sees it: the base cmdlet turns each kind into an ErrorCategory.
/// (Whether a failure is worth retrying is another question: see Throttling.RetryClass.)
/// </summary>
internal enum ErrorKind
{
    NotConnected,
    InvalidArgument,
    Authentication,
    PermissionDenied,
    NotFound,
    LimitsExceeded,
    Connection,
    Timeout,
    InvalidData,
    Truncated,
    Security,
}
