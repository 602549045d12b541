using System;
using System.Globalization;

namespace MeetEngage.Commands;

/// <summary>
/// Says, before the first request, what a chunk plan will take when it is long: a few -ChunkDays
/// typos away from millions of requests, the progress bar's estimate is too easy to miss.
/// </summary>
internal static class ChunkPlanWarning
{
    /// <summary>More requests than this (over four minutes at 10 calls per 5 s) are announced.</summary>
    public const int RequestThreshold = 500;

    /// <summary>The warning for a plan of <paramref name="requests"/> requests, or null below the threshold.</summary>
    public static string? For(int requests, TimeSpan leastTime, int chunkDays, DateTime from, DateTime to, int limit, TimeSpan window)
    {
        if (requests <= RequestThreshold)
        {
            return null;
        }

        return string.Format(
            CultureInfo.InvariantCulture,
            "-ChunkDays {0} from {1:yyyy-MM-dd} to {2:yyyy-MM-dd} plans {3:N0} requests: at the API key's rate limit ({4} calls per {5:0} s) that takes at least {6}. Going on; press Ctrl+C to stop, and use a larger -ChunkDays or a shorter range for fewer requests.",
            chunkDays,
            from,
            to,
            requests,
            limit,
            window.TotalSeconds,
            Describe(leastTime));
    }

    /// <summary>A duration as a person says it: "2 h 53 min", "17 days 8 h", "10 min".</summary>
    internal static string Describe(TimeSpan duration)
    {
        if (duration.TotalDays >= 1)
        {
            return string.Format(CultureInfo.InvariantCulture, "{0:N0} days {1} h", Math.Floor(duration.TotalDays), duration.Hours);
        }

        if (duration.TotalHours >= 1)
        {
            return string.Format(CultureInfo.InvariantCulture, "{0} h {1} min", duration.Hours, duration.Minutes);
        }

        return string.Format(CultureInfo.InvariantCulture, "{0} min", Math.Max(1, (int)Math.Round(duration.TotalMinutes)));
    }
}
