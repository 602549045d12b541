using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace MeetEngage.Throttling;

/// <summary>
/// Time as the limiter and the retry policy see it. Tests substitute a fake so that windows of
/// seconds are checked in microseconds.
/// </summary>
internal interface IClock
{
    /// <summary>Monotonic time since an arbitrary origin; never goes backwards.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>Wall-clock time, for a delay the server gave as a date (Api turns it into a wait).</summary>
    DateTimeOffset UtcNow { get; }

    Task Delay(TimeSpan delay, CancellationToken cancellationToken);
}

internal sealed class SystemClock : IClock
{
    public static readonly SystemClock Instance = new();

    private readonly Stopwatch _stopwatch = Stopwatch.StartNew();

    private SystemClock()
    {
    }

    public TimeSpan Elapsed => _stopwatch.Elapsed;

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);
}
