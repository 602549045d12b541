using System;

namespace MeetEngage.Throttling;

/// <summary>Whether to try a failed request again, after how long, and why (for messages).</summary>
internal sealed record RetryDecision(bool ShouldRetry, TimeSpan Delay, string Reason)
{
    public static RetryDecision Retry(TimeSpan delay, string reason) => new(true, delay, reason);

    public static RetryDecision Stop(string reason) => new(false, TimeSpan.Zero, reason);
}
