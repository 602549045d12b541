using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

public class RateLimiterTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Guard = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task The_first_ten_calls_start_at_once_and_the_eleventh_waits_for_the_window()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(10, Window, Guard, clock);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(TimeSpan.Zero, await limiter.WaitAsync(CancellationToken.None));
        }

        var eleventh = limiter.WaitAsync(CancellationToken.None);
        Assert.Equal(1, clock.PendingDelays);

        // The fake clock completes a delay inside Advance, so a delay still pending afterwards
        // proves the eleventh call has not been let through: no real time involved.
        clock.Advance(Window + Guard - TimeSpan.FromTicks(1));
        Assert.Equal(1, clock.PendingDelays);
        Assert.False(eleventh.IsCompleted);

        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(0, clock.PendingDelays);
        Assert.Equal(Window + Guard, await eleventh.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task No_window_ever_holds_more_than_the_limit_and_a_sustained_run_uses_at_least_95_percent_of_it()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(10, Window, Guard, clock);
        var starts = new List<TimeSpan>();

        for (var i = 0; i < 100; i++)
        {
            // The start the limiter reserved (call time + its wait), not the clock whenever the
            // continuation happened to run: the test steps the clock in 10 ms strides.
            var calledAt = clock.Elapsed;
            var wait = limiter.WaitAsync(CancellationToken.None);
            while (clock.PendingDelays > 0)
            {
                clock.Advance(TimeSpan.FromMilliseconds(10));
            }

            starts.Add(calledAt + await wait.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        for (var i = 10; i < starts.Count; i++)
        {
            Assert.True(starts[i] - starts[i - 10] >= Window, $"calls {i - 10} and {i} started {starts[i] - starts[i - 10]} apart");
        }

        // 100 calls: 10 at once, then 9 more windows. The allowed floor is 9 × 5 s.
        var floor = TimeSpan.FromTicks(Window.Ticks * 9);
        var rate = floor.TotalSeconds / starts[^1].TotalSeconds;
        Assert.True(rate >= 0.95, $"100 calls took {starts[^1]}, {rate:P1} of the allowed rate");
    }

    [Fact]
    public async Task Waiting_callers_start_in_the_order_they_arrived()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(2, Window, TimeSpan.Zero, clock);
        var waits = Enumerable.Range(0, 8).Select(_ => limiter.WaitAsync(CancellationToken.None)).ToArray();

        for (var step = 0; step < 4; step++)
        {
            // Callers 2*step and 2*step+1 reserved the start `step` windows from now; every later
            // caller's delay is still pending, which the fake clock makes a fact, not a race.
            var pair = await Task.WhenAll(waits[(2 * step)..(2 * step + 2)]).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.All(pair, waited => Assert.Equal(Window * step, waited));
            Assert.Equal(6 - (2 * step), clock.PendingDelays);
            clock.Advance(Window);
        }
    }

    [Fact]
    public async Task A_cancelled_wait_ends_at_once_and_still_counts_against_the_window()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(1, Window, TimeSpan.Zero, clock);
        await limiter.WaitAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = limiter.WaitAsync(cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        var next = limiter.WaitAsync(CancellationToken.None);
        clock.Advance(Window);
        Assert.Equal(1, clock.PendingDelays);
        Assert.False(next.IsCompleted);
        clock.Advance(Window);
        Assert.Equal(Window + Window, await next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_wait_is_not_entered_when_already_cancelled()
    {
        var limiter = new RateLimiter(1, Window, Guard, new FakeClock());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => limiter.WaitAsync(new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Calls_from_many_threads_never_exceed_the_limit_in_any_window()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(10, Window, Guard, clock);
        using var allReserved = new CountdownEvent(45);
        var tasks = Enumerable.Range(0, 45).Select(_ => Task.Run(() =>
        {
            var wait = limiter.WaitAsync(CancellationToken.None);
            allReserved.Signal();
            return wait;
        })).ToArray();

        // The clock stands still until every thread has reserved, so each start is exactly the
        // wait the limiter handed out (all calls were made at 0), whatever the threads' timing.
        Assert.True(allReserved.Wait(TimeSpan.FromSeconds(30)), "not every thread reached the limiter");
        Assert.Equal(35, clock.PendingDelays);
        while (clock.PendingDelays > 0)
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
        }

        var sorted = (await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30))).OrderBy(t => t).ToArray();
        Assert.Equal(45, sorted.Length);
        for (var i = 10; i < sorted.Length; i++)
        {
            Assert.True(sorted[i] - sorted[i - 10] >= Window);
        }
    }

    [Fact]
    public void NextDelay_says_how_long_a_caller_would_wait()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(1, Window, Guard, clock);
        Assert.Equal(TimeSpan.Zero, limiter.NextDelay);

        _ = limiter.WaitAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Window + Guard - TimeSpan.FromSeconds(1), limiter.NextDelay);
    }

    [Fact]
    public async Task DelayUntil_predicts_when_the_last_of_n_more_calls_could_start_without_reserving()
    {
        var clock = new FakeClock();
        var limiter = new RateLimiter(10, Window, Guard, clock);
        for (var i = 0; i < 8; i++)
        {
            await limiter.WaitAsync(CancellationToken.None);
        }

        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, limiter.DelayUntil(2));
        Assert.Equal(Window + Guard - TimeSpan.FromSeconds(1), limiter.DelayUntil(3));
        Assert.Equal(Window + Guard - TimeSpan.FromSeconds(1), limiter.DelayUntil(10));
        Assert.Equal(Window + Guard + Window + Guard - TimeSpan.FromSeconds(1), limiter.DelayUntil(13));
        Assert.Equal(TimeSpan.Zero, limiter.DelayUntil(0));
        Assert.Equal(TimeSpan.Zero, limiter.NextDelay);
    }

    [Fact]
    public void The_limiter_of_a_key_is_shared_process_wide_and_keys_are_separate()
    {
        Assert.Same(KeyRateLimiters.For("key-a"), KeyRateLimiters.For("key-a"));
        Assert.NotSame(KeyRateLimiters.For("key-a"), KeyRateLimiters.For("key-b"));
        Assert.Equal(10, KeyRateLimiters.For("key-a").Limit);
        Assert.Equal(TimeSpan.FromSeconds(5), KeyRateLimiters.For("key-a").Window);
    }
}
