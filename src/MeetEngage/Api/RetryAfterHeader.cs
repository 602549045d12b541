using System;
using System.Globalization;
using System.Net.Http;

namespace MeetEngage.Api;

/// <summary>The delay a response's Retry-After header asks for: delta-seconds or an HTTP date.</summary>
internal static class RetryAfterHeader
{
    public static TimeSpan? Of(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        return header.Date is { } date ? Until(date, now) : Parse(header.ToString(), now);
    }

    /// <summary>The header's raw text, for what the typed header could not read.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value!.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, int.MaxValue));
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) ||
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            return Until(date, now);
        }

        return null;
    }

    /// <summary>A date already past asks for no wait, not a negative one.</summary>
    private static TimeSpan Until(DateTimeOffset date, DateTimeOffset now)
    {
        var wait = date - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }
}
