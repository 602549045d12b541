using System;
using System.Net;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

public class RetryPolicyTests
{
    [Theory]
    [InlineData(429, "Throttled")]
    [InlineData(503, "Throttled")]
    [InlineData(500, "Transient")]
    [InlineData(502, "Transient")]
    [InlineData(504, "Transient")]
    [InlineData(408, "Transient")]
    [InlineData(400, "Permanent")]
    [InlineData(401, "Permanent")]
    [InlineData(403, "Permanent")]
    [InlineData(404, "Permanent")]
    public void Statuses_are_classified(int status, string expected)
    {
        Assert.Equal(expected, RetryPolicy.Classify((HttpStatusCode)status).ToString());
    }

    [Fact]
    public void Permanent_failures_never_retry()
    {
        var decision = new RetryPolicy(5).Decide(0, FailureClass.Permanent, null, 0);

        Assert.False(decision.ShouldRetry);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Nothing_is_retried_once_a_row_was_written(bool throttled)
    {
        var failure = throttled ? FailureClass.Throttled : FailureClass.Transient;
        var decision = new RetryPolicy(5).Decide(0, failure, TimeSpan.FromSeconds(1), rowsWritten: 1);

        Assert.False(decision.ShouldRetry);
        Assert.Contains("1 rows were already written", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Retries_stop_at_the_maximum()
    {
        var policy = new RetryPolicy(2, () => 0.5);

        Assert.True(policy.Decide(0, FailureClass.Transient, null, 0).ShouldRetry);
        Assert.True(policy.Decide(1, FailureClass.Transient, null, 0).ShouldRetry);
        Assert.False(policy.Decide(2, FailureClass.Transient, null, 0).ShouldRetry);
        Assert.False(new RetryPolicy(0).Decide(0, FailureClass.Throttled, null, 0).ShouldRetry);
    }

    [Fact]
    public void Throttling_honours_Retry_After()
    {
        var decision = new RetryPolicy(3).Decide(0, FailureClass.Throttled, TimeSpan.FromSeconds(2), 0);

        Assert.True(decision.ShouldRetry);
        Assert.Equal(TimeSpan.FromSeconds(2), decision.Delay);
    }

    [Fact]
    public void Throttling_without_Retry_After_waits_out_the_window()
    {
        var decision = new RetryPolicy(3).Decide(0, FailureClass.Throttled, null, 0);

        Assert.Equal(TimeSpan.FromSeconds(5), decision.Delay);
    }

    [Fact]
    public void A_Retry_After_beyond_the_bound_is_reported_not_waited_for()
    {
        var decision = new RetryPolicy(3).Decide(0, FailureClass.Throttled, TimeSpan.FromHours(1), 0);

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

    [Theory]
    [InlineData("2", 2.0)]
    [InlineData(" 120 ", 120.0)]
    [InlineData("0", 0.0)]
    [InlineData("Thu, 01 Jan 2026 00:00:07 GMT", 7.0)]
    [InlineData("Wed, 31 Dec 2025 23:59:00 GMT", 0.0)]
    public void Retry_After_is_read_as_seconds_or_an_HTTP_date(string header, double seconds)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Parse(header, now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void An_unreadable_Retry_After_is_ignored(string? header)
    {
        Assert.Null(RetryAfter.Parse(header, DateTimeOffset.UtcNow));
    }
}
