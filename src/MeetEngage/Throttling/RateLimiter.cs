using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace MeetEngage.Throttling;

/// <summary>
/// Lets at most <see cref="Limit"/> requests start in any rolling <see cref="Window"/>.
/// </summary>
/// <remarks>
/// Each caller reserves the earliest start time the window allows, under a lock, in arrival
/// order: the k-th reservation may start no sooner than <c>Window + Guard</c> after the
/// reservation <see cref="Limit"/> places before it. Reservations are never given back: a
/// cancelled wait still counts, which only ever errs on the side of sending less.
/// The guard absorbs the difference between when we send and when the server counts.
/// </remarks>
internal sealed class RateLimiter
{
    private readonly IClock _clock;
    private readonly TimeSpan[] _starts;
    private readonly object _gate = new();
    private int _next;
    private long _reservations;

    public RateLimiter(int limit, TimeSpan window, TimeSpan guard, IClock clock)
    {
        if (limit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(limit));
        }

        Limit = limit;
        Window = window;
        Guard = guard;
        _clock = clock;
        _starts = new TimeSpan[limit];
    }

    public int Limit { get; }

    public TimeSpan Window { get; }

    public TimeSpan Guard { get; }

    /// <summary>How long the next caller would wait if it arrived now.</summary>
    public TimeSpan NextDelay
    {
        get
        {
            lock (_gate)
            {
                return EarliestStart(_clock.Elapsed) - _clock.Elapsed;
            }
        }
    }

    /// <summary>
    /// How long from now until the last of <paramref name="requests"/> more requests could start,
    /// were they all made now: what an estimate of the time left must not undercut.
    /// </summary>
    public TimeSpan DelayUntil(int requests)
    {
        if (requests <= 0)
        {
            return TimeSpan.Zero;
        }

        lock (_gate)
        {
            var now = _clock.Elapsed;
            var starts = (TimeSpan[])_starts.Clone();
            var next = _next;
            var reservations = _reservations;
            var start = now;
            for (var i = 0; i < requests; i++)
            {
                start = reservations < Limit ? now : Max(starts[next] + Window + Guard, now);
                starts[next] = start;
                next = (next + 1) % Limit;
                reservations++;
            }

            return start - now;
        }
    }

    /// <summary>Reserves a start slot and waits for it; returns how long the caller waited.</summary>
    public async Task<TimeSpan> WaitAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TimeSpan now;
        TimeSpan start;
        lock (_gate)
        {
            now = _clock.Elapsed;
            start = EarliestStart(now);
            _starts[_next] = start;
            _next = (_next + 1) % Limit;
            _reservations++;
        }

        var wait = start - now;
        if (wait > TimeSpan.Zero)
        {
            await _clock.Delay(wait, cancellationToken).ConfigureAwait(false);
        }

        return wait;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private TimeSpan EarliestStart(TimeSpan now)
    {
        // _starts[_next] is the reservation Limit places back (once the ring has filled).
        if (_reservations < Limit)
        {
            return now;
        }

        var freeAt = _starts[_next] + Window + Guard;
        return freeAt > now ? freeAt : now;
    }
}

/// <summary>
/// The process-wide limiters, one per API key and server (see <see cref="ApiKeyBudget.Name"/>):
/// the vendor's limit is per key, so every session and runspace using a key shares its budget.
/// <see cref="MachineBudgets"/> adds the key's other processes on the machine.
/// </summary>
internal static class KeyRateLimiters
{
    public const int CallsPerWindow = 10;

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Guard = TimeSpan.FromMilliseconds(150);

    private static readonly ConcurrentDictionary<string, RateLimiter> Limiters = new(StringComparer.Ordinal);

    public static RateLimiter For(string budgetName) =>
        Limiters.GetOrAdd(budgetName, static _ => new RateLimiter(CallsPerWindow, Window, Guard, SystemClock.Instance));
}
