using System;
using System.Globalization;
using System.Net;

namespace MeetEngage.Throttling;

/// <summary>Why a request failed, as far as retrying is concerned.</summary>
internal enum FailureClass
{
    /// <summary>429 or 503: the server asks us to slow down.</summary>
    Throttled,

    /// <summary>Other 5xx, 408, a network failure, a timeout or a body that broke off.</summary>
    Transient,

    /// <summary>400, 401, 403, 404 and anything else the same request would get again.</summary>
    Permanent,
}

internal readonly struct RetryDecision
{
    private RetryDecision(bool retry, TimeSpan delay, string reason)
    {
        ShouldRetry = retry;
        Delay = delay;
        Reason = reason;
    }

    public bool ShouldRetry { get; }

    public TimeSpan Delay { get; }

    public string Reason { get; }

    public static RetryDecision Retry(TimeSpan delay, string reason) => new(true, delay, reason);

    public static RetryDecision Stop(string reason) => new(false, TimeSpan.Zero, reason);
}

/// <summary>
/// Decides whether and when to try a failed request again: 429/503 honour Retry-After (else wait
/// out the rate window), transient faults back off exponentially with jitter, permanent ones and
/// anything after rows were written never retry.
/// </summary>
internal sealed class RetryPolicy
{
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>A Retry-After longer than this is not waited for: it is reported instead.</summary>
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

    /// <summary>The wait used for throttling without a Retry-After header.</summary>
    public TimeSpan ThrottleWindow { get; init; } = KeyRateLimiters.Window;

    public static FailureClass Classify(HttpStatusCode status)
    {
        var code = (int)status;
        if (code == 429 || code == 503)
        {
            return FailureClass.Throttled;
        }

        return code == 408 || code >= 500 ? FailureClass.Transient : FailureClass.Permanent;
    }

    /// <param name="retriesSoFar">How many retries of this request have already been made.</param>
    /// <param name="failure">The class of the failure just seen.</param>
    /// <param name="retryAfter">The server's Retry-After, already parsed, if it sent one.</param>
    /// <param name="rowsWritten">Rows of this response already written to the pipeline.</param>
    public RetryDecision Decide(int retriesSoFar, FailureClass failure, TimeSpan? retryAfter, long rowsWritten)
    {
        if (rowsWritten > 0)
        {
            return RetryDecision.Stop(string.Format(CultureInfo.InvariantCulture, "{0} rows were already written; retrying would repeat them", rowsWritten));
        }

        if (failure == FailureClass.Permanent)
        {
            return RetryDecision.Stop("the same request would fail again");
        }

        if (retriesSoFar >= MaximumRetryCount)
        {
            return RetryDecision.Stop(string.Format(CultureInfo.InvariantCulture, "the retry limit ({0}) is reached", MaximumRetryCount));
        }

        if (failure == FailureClass.Throttled)
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

/// <summary>Parses the HTTP Retry-After header: delta-seconds or an HTTP date.</summary>
internal static class RetryAfter
{
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value!.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue));
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ||
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }
}

internal static class ThreadSafeRandom
{
    [ThreadStatic]
    private static Random? _random;

    public static double NextDouble() => (_random ??= new Random(Guid.NewGuid().GetHashCode())).NextDouble();
}
