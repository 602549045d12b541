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
        Assert.False(eleventh.IsCompleted);

        clock.Advance(Window + Guard - TimeSpan.FromTicks(1));
        await Task.Delay(10);
        Assert.False(eleventh.IsCompleted);

        clock.Advance(TimeSpan.FromTicks(1));
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
            var wait = limiter.WaitAsync(CancellationToken.None);
            while (!wait.IsCompleted)
            {
                clock.Advance(TimeSpan.FromMilliseconds(10));
                await Task.Yield();
            }

            await wait;
            starts.Add(clock.Elapsed);
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
            await Task.WhenAll(waits[(2 * step)..(2 * step + 2)]).WaitAsync(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
            Assert.All(waits[(2 * step + 2)..], wait => Assert.False(wait.IsCompleted, $"a later caller started before step {step} ended"));
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
        await Task.Delay(10);
        Assert.False(next.IsCompleted);
        clock.Advance(Window);
        await next.WaitAsync(TimeSpan.FromSeconds(5));
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
        var starts = new System.Collections.Concurrent.ConcurrentBag<TimeSpan>();
        var tasks = Enumerable.Range(0, 45).Select(_ => Task.Run(async () =>
        {
            await limiter.WaitAsync(CancellationToken.None);
            starts.Add(clock.Elapsed);
        })).ToArray();

        while (!tasks.All(t => t.IsCompleted))
        {
            clock.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        var sorted = starts.OrderBy(t => t).ToArray();
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
