using System;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

public class RetryPolicyTests
{
    [Fact]
    public void Permanent_failures_never_retry()
    {
        var decision = new RetryPolicy(5).Decide(0, RetryClass.Permanent, null, 0);

        Assert.False(decision.ShouldRetry);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Nothing_is_retried_once_a_row_was_written(bool throttled)
    {
        var failure = throttled ? RetryClass.Throttled : RetryClass.Transient;
        var decision = new RetryPolicy(5).Decide(0, failure, TimeSpan.FromSeconds(1), rowsWritten: 1);

        Assert.False(decision.ShouldRetry);
        Assert.Contains("1 rows were already written", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Retries_stop_at_the_maximum()
    {
        var policy = new RetryPolicy(2, () => 0.5);

        Assert.True(policy.Decide(0, RetryClass.Transient, null, 0).ShouldRetry);
        Assert.True(policy.Decide(1, RetryClass.Transient, null, 0).ShouldRetry);
        Assert.False(policy.Decide(2, RetryClass.Transient, null, 0).ShouldRetry);
        Assert.False(new RetryPolicy(0).Decide(0, RetryClass.Throttled, null, 0).ShouldRetry);
    }

    [Fact]
    public void Throttling_honours_Retry_After()
    {
        var decision = new RetryPolicy(3).Decide(0, RetryClass.Throttled, TimeSpan.FromSeconds(2), 0);

        Assert.True(decision.ShouldRetry);
        Assert.Equal(TimeSpan.FromSeconds(2), decision.Delay);
    }

    [Fact]
    public void Throttling_without_Retry_After_waits_out_the_window()
    {
        var decision = new RetryPolicy(3).Decide(0, RetryClass.Throttled, null, 0);

        Assert.Equal(TimeSpan.FromSeconds(5), decision.Delay);
    }

    [Fact]
    public void A_Retry_After_beyond_the_bound_is_reported_not_waited_for()
    {
        var decision = new RetryPolicy(3).Decide(0, RetryClass.Throttled, TimeSpan.FromHours(1), 0);

        Assert.False(decision.ShouldRetry);
        Assert.Contains("3600", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 500, 1000)]
    [InlineData(1, 1000, 2000)]
    [InlineData(2, 2000, 4000)]
    [InlineData(4, 8000, 16000)]
    [InlineData(5, 15000, 30000)]
    [InlineData(30, 15000, 30000)]
    [InlineData(1000, 15000, 30000)]
    public void Backoff_doubles_is_capped_and_jitters_within_half_its_ceiling(int retries, double minMs, double maxMs)
    {
        var low = new RetryPolicy(5, () => 0.0).Backoff(retries);
        var high = new RetryPolicy(5, () => 1.0).Backoff(retries);

        Assert.Equal(minMs, low.TotalMilliseconds, 3);
        Assert.Equal(maxMs, high.TotalMilliseconds, 3);
        for (var i = 0; i < 200; i++)
        {
            var delay = new RetryPolicy(5).Backoff(retries).TotalMilliseconds;
            Assert.InRange(delay, minMs, maxMs);
        }
    }
}
