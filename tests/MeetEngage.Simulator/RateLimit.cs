using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace MeetEngage.Simulator;

/// <summary>
/// The vendor's limit: each key gets at most <c>limit</c> successful calls in any rolling window.
/// A call takes a slot when it starts (so concurrent calls cannot overshoot the limit) and gives it back
/// when its response turns out not to be successful, because only successful calls count.
/// </summary>
internal sealed class RateLimiter
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedList<long>> _windows = new(StringComparer.Ordinal);
    private readonly int _limit;
    private readonly long _windowTicks;

    /// <param name="limit">Calls allowed per window; 0 turns the limiter off.</param>
    /// <param name="window">The rolling window.</param>
    public RateLimiter(int limit, TimeSpan window)
    {
        _limit = limit;
        _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
    }

    /// <summary>
    /// Takes a slot for <paramref name="key"/>. When the window is full, returns false and the whole seconds
    /// (at least 1) until the oldest counted call leaves it.
    /// </summary>
    public bool TryAcquire(string key, out RateLease lease, out int retryAfterSeconds)
    {
        lease = default;
        retryAfterSeconds = 0;
        if (_limit == 0)
        {
            return true;
        }

        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            LinkedList<long> window = GetWindow(key, now);
            if (window.Count >= _limit)
            {
                long ticksLeft = window.First!.Value + _windowTicks - now;
                retryAfterSeconds = (int)Math.Max(1, Math.Ceiling((double)ticksLeft / Stopwatch.Frequency));
                return false;
            }

            lease = new RateLease(window, window.AddLast(now));
            return true;
        }
    }

    /// <summary>Gives back a slot whose call was not successful.</summary>
    public void Release(RateLease lease)
    {
        lock (_gate)
        {
            // Nothing to give back when the limiter is off, or after a reset (the node has left the list).
            if (lease is { Node: { } node, Window: { } window } && node.List == window)
            {
                window.Remove(node);
            }
        }
    }

    /// <summary>Counts a successful call unconditionally (used for 2xx responses made up by faults).</summary>
    public void Record(string key)
    {
        if (_limit == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            GetWindow(key, now).AddLast(now);
        }
    }

    /// <summary>Forgets every key's window.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            foreach (LinkedList<long> window in _windows.Values)
            {
                window.Clear();
            }

            _windows.Clear();
        }
    }

    // Caller holds the lock. Drops the calls that have left the window; timestamps are in arrival order.
    private LinkedList<long> GetWindow(string key, long now)
    {
        if (!_windows.TryGetValue(key, out LinkedList<long>? window))
        {
            window = new LinkedList<long>();
            _windows[key] = window;
        }

        while (window.First is { } oldest && oldest.Value + _windowTicks <= now)
        {
            window.RemoveFirst();
        }

        return window;
    }
}

/// <summary>A slot taken in a key's window; default when the limiter is off.</summary>
internal readonly record struct RateLease(LinkedList<long>? Window, LinkedListNode<long>? Node);
