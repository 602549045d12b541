using System;
using System.Globalization;

namespace MeetEngage.Throttling;

/// <summary>
/// Decides whether and when to try a failed request again: a throttled failure waits what the
/// server asked for (else the rate window), transient faults back off exponentially with jitter,
/// permanent ones and anything after rows were written never retry. It knows nothing of HTTP: Api
/// gives it the failure's <see cref="RetryClass"/> and the server's requested delay.
/// </summary>
internal sealed class RetryPolicy
{
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>A requested delay longer than this is not waited for: it is reported instead.</summary>
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromMinutes(2);

    private readonly Func<double> _random;

    public RetryPolicy(int maximumRetryCount, Func<double>? random = null)
    {
        if (maximumRetryCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maximumRetryCount));
        }

        MaximumRetryCount = maximumRetryCount;
        _random = random ?? ThreadSafeRandom.NextDouble;
    }

    public int MaximumRetryCount { get; }

    public TimeSpan BaseDelay { get; init; } = DefaultBaseDelay;

    public TimeSpan MaxDelay { get; init; } = DefaultMaxDelay;

    public TimeSpan MaxRetryAfter { get; init; } = DefaultMaxRetryAfter;

    /// <summary>The wait used for throttling when the server asked for no delay.</summary>
    public TimeSpan ThrottleWindow { get; init; } = KeyRateLimiters.Window;

    /// <param name="retriesSoFar">How many retries of this request have already been made.</param>
    /// <param name="failure">The class of the failure just seen.</param>
    /// <param name="retryAfter">The delay the server asked for, if it did.</param>
    /// <param name="rowsWritten">Rows of this response already written to the pipeline.</param>
    public RetryDecision Decide(int retriesSoFar, RetryClass failure, TimeSpan? retryAfter, long rowsWritten)
    {
        if (rowsWritten > 0)
        {
            return RetryDecision.Stop(string.Format(CultureInfo.InvariantCulture, "{0} rows were already written; retrying would repeat them", rowsWritten));
        }

        if (failure == RetryClass.Permanent)
        {
            return RetryDecision.Stop("the same request would fail again");
        }

        if (retriesSoFar >= MaximumRetryCount)
        {
            return RetryDecision.Stop(string.Format(CultureInfo.InvariantCulture, "the retry limit ({0}) is reached", MaximumRetryCount));
        }

        if (failure == RetryClass.Throttled)
        {
            if (retryAfter is { } after)
            {
                return after > MaxRetryAfter
                    ? RetryDecision.Stop(string.Format(CultureInfo.InvariantCulture, "the server asked to wait {0:0} s, longer than {1:0} s", after.TotalSeconds, MaxRetryAfter.TotalSeconds))
                    : RetryDecision.Retry(after, string.Format(CultureInfo.InvariantCulture, "the server asked to wait {0:0.###} s (Retry-After)", after.TotalSeconds));
            }

            return RetryDecision.Retry(ThrottleWindow, "the rate window must pass (no Retry-After)");
        }

        return RetryDecision.Retry(Backoff(retriesSoFar), "transient failure, backing off");
    }

    /// <summary>Capped exponential backoff with "equal jitter": half fixed, half random.</summary>
    public TimeSpan Backoff(int retriesSoFar)
    {
        var exponent = Math.Min(retriesSoFar, 30);
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var half = ceiling / 2;
        return TimeSpan.FromMilliseconds(half + (half * _random()));
    }
}
