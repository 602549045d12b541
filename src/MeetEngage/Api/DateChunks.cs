using System;
using System.Collections.Generic;

namespace MeetEngage.Api;

/// <summary>One request's date range in API milliseconds: [From, To).</summary>
internal readonly struct DateRange
{
    public DateRange(long fromMilliseconds, long toMilliseconds)
    {
        FromMilliseconds = fromMilliseconds;
        ToMilliseconds = toMilliseconds;
    }

    public long FromMilliseconds { get; }

    public long ToMilliseconds { get; }

    public DateTime From => ApiDates.FromUnixMilliseconds(FromMilliseconds);

    public DateTime To => ApiDates.FromUnixMilliseconds(ToMilliseconds);

    public override string ToString() => From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + " to " + To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Splits a range into consecutive UTC-day-aligned chunks. The API rounds <c>from_date</c> down
/// and <c>to_date</c> up to UTC midnight, so chunks of whole days starting at the midnight at or
/// before From and ending at the midnight at or after To cover exactly what one request would,
/// with no gap and no overlap.
/// </summary>
internal static class DateChunks
{
    private const long DayMilliseconds = 24L * 60 * 60 * 1000;

    public static IReadOnlyList<DateRange> Plan(long fromMilliseconds, long toMilliseconds, int chunkDays)
    {
        if (chunkDays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkDays));
        }

        if (toMilliseconds < fromMilliseconds)
        {
            throw new ArgumentException("The range ends before it starts.", nameof(toMilliseconds));
        }

        var start = fromMilliseconds / DayMilliseconds * DayMilliseconds;
        var end = (toMilliseconds + DayMilliseconds - 1) / DayMilliseconds * DayMilliseconds;
        var step = chunkDays * DayMilliseconds;
        var chunks = new List<DateRange>((int)Math.Min(int.MaxValue, ((end - start) / step) + 1));
        if (end == start)
        {
            // An empty range (From = To at a midnight) is one request, as unchunked.
            chunks.Add(new DateRange(start, end));
        }

        for (var from = start; from < end; from += step)
        {
            chunks.Add(new DateRange(from, Math.Min(from + step, end)));
        }

        return chunks;
    }
}
