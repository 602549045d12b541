using System;
using System.Net;
using MeetEngage.Api;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>The HTTP half of retrying, which Api owns: what a status means and what Retry-After asks.</summary>
public class HttpRetryTests
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
        Assert.Equal(expected, StatusRetryClass.Of((HttpStatusCode)status).ToString());
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

        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfterHeader.Parse(header, now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5")]
    public void An_unreadable_Retry_After_is_ignored(string? header)
    {
        Assert.Null(RetryAfterHeader.Parse(header, DateTimeOffset.UtcNow));
    }
}
