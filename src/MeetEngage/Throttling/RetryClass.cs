namespace MeetEngage.Throttling;

/// <summary>
/// What a failure means for trying again. Api decides which class a response or a network
/// failure is in; the policy decides what to do about it. (What the user is told is ErrorKind.)
/// </summary>
internal enum RetryClass
{
    /// <summary>The server asks us to slow down (Api: 429 or 503).</summary>
    Throttled,

    /// <summary>Worth another try after a backoff (Api: other 5xx, 408, a network failure, a timeout, a body that broke off).</summary>
    Transient,

    /// <summary>The same request would fail again (Api: 400, 401, 403, 404 and the like).</summary>
    Permanent,
}
