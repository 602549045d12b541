using System;
using System.Linq;
using MeetEngage.Api;
using Xunit;

namespace MeetEngage.Tests;

public class DateChunksTests
{
    private const long Day = 86_400_000;
    private static readonly long Jan1 = ApiDates.ToUnixMilliseconds(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Chunks_are_consecutive_day_aligned_and_cover_the_rounded_range()
    {
        var from = Jan1 + (13 * 3_600_000);          // 2024-01-01 13:00
        var to = Jan1 + (60 * Day) + 60_000;         // 2024-03-01 00:01

        var chunks = DateChunks.Plan(from, to, 7);

        Assert.Equal(Jan1, chunks[0].FromMilliseconds);
        Assert.Equal(Jan1 + (61 * Day), chunks[^1].ToMilliseconds);
        Assert.All(chunks, c => Assert.Equal(0, c.FromMilliseconds % Day));
        Assert.All(chunks, c => Assert.Equal(0, c.ToMilliseconds % Day));
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.Equal(chunks[i - 1].ToMilliseconds, chunks[i].FromMilliseconds);
        }

        Assert.All(chunks.Take(chunks.Count - 1), c => Assert.Equal(7 * Day, c.ToMilliseconds - c.FromMilliseconds));
        Assert.Equal(9, chunks.Count);
        Assert.Equal(5 * Day, chunks[^1].ToMilliseconds - chunks[^1].FromMilliseconds);
    }

    [Fact]
    public void A_range_already_on_midnights_is_not_widened()
    {
        var chunks = DateChunks.Plan(Jan1, Jan1 + (14 * Day), 7);

        Assert.Equal(new[] { (Jan1, Jan1 + (7 * Day)), (Jan1 + (7 * Day), Jan1 + (14 * Day)) }, chunks.Select(c => (c.FromMilliseconds, c.ToMilliseconds)));
    }

    [Fact]
    public void A_range_within_one_day_is_one_chunk_of_that_day()
    {
        var chunks = DateChunks.Plan(Jan1 + 1000, Jan1 + 5000, 30);

        Assert.Equal((Jan1, Jan1 + Day), (chunks.Single().FromMilliseconds, chunks.Single().ToMilliseconds));
    }

    [Fact]
    public void An_empty_range_at_midnight_is_one_empty_request_as_unchunked()
    {
        var chunks = DateChunks.Plan(Jan1, Jan1, 7);

        Assert.Equal((Jan1, Jan1), (chunks.Single().FromMilliseconds, chunks.Single().ToMilliseconds));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DateChunks.Plan(0, Day, 0));
        Assert.Throws<ArgumentException>(() => DateChunks.Plan(Day, 0, 1));
    }
}
