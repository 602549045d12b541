using System;
using MeetEngage.Api;
using Xunit;

namespace MeetEngage.Tests;

public class ApiDatesTests
{
    [Fact]
    public void An_unspecified_date_is_taken_as_UTC()
    {
        var bare = new DateTime(2024, 6, 1);

        Assert.Equal(1717200000000, ApiDates.ToUnixMilliseconds(bare));
    }

    [Fact]
    public void A_UTC_date_is_sent_as_is_with_milliseconds()
    {
        Assert.Equal(1518340113180, ApiDates.ToUnixMilliseconds(new DateTime(2018, 2, 11, 9, 8, 33, 180, DateTimeKind.Utc)));
    }

    [Fact]
    public void A_local_date_is_converted_to_UTC()
    {
        var local = new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Local);

        Assert.Equal(ApiDates.ToUnixMilliseconds(local.ToUniversalTime()), ApiDates.ToUnixMilliseconds(local));
        Assert.Equal(DateTimeKind.Utc, ApiDates.ToUtc(local).Kind);
    }

    [Fact]
    public void The_epoch_is_zero_and_earlier_dates_are_refused()
    {
        Assert.Equal(0, ApiDates.ToUnixMilliseconds(new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)));

        var error = Assert.Throws<MeetEngageException>(() => ApiDates.ToUnixMilliseconds(new DateTime(1969, 12, 31, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void Milliseconds_round_trip()
    {
        var value = new DateTime(2025, 3, 4, 5, 6, 7, 890, DateTimeKind.Utc);

        Assert.Equal(value, ApiDates.FromUnixMilliseconds(ApiDates.ToUnixMilliseconds(value)));
    }
}
