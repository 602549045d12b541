using System;

namespace MeetEngage;

/// <summary>
/// The one exception the internals throw for failures a user should see. Messages name the
/// request (never a secret), the status and the API's own message where it sent one.
/// </summary>
internal sealed class MeetEngageException : Exception
{
    public MeetEngageException(ErrorKind kind, string errorId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        ErrorId = errorId;
    }

    public ErrorKind Kind { get; }

    /// <summary>Stable id without the module prefix, e.g. <c>AuthenticationFailed</c>.</summary>
    public string ErrorId { get; }

    public int? StatusCode { get; init; }

    /// <summary>The request URL with its query; it never carries credentials.</summary>
    public Uri? RequestUri { get; init; }

    /// <summary>
    /// A connection-level failure that the same request would meet again (a redirect loop):
    /// never retried, whatever its kind.
    /// </summary>
    public bool Repeats { get; init; }

    /// <summary>Rows of the failing response that had already been written.</summary>
    public long RowsWritten { get; init; }
}
