using System;
using System.Globalization;

namespace MeetEngage.Api;

/// <summary>
/// The API takes UTC milliseconds since the Unix epoch. A DateTime of kind Local is converted to
/// UTC; kind Unspecified (what <c>[datetime]'2024-06-01'</c> gives) is taken as UTC already,
/// because a bare date names a UTC day here.
/// </summary>
internal static class ApiDates
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };

    public static long ToUnixMilliseconds(DateTime value)
    {
        var utc = ToUtc(value);
        if (utc < Epoch)
        {
            throw new MeetEngageException(
                ErrorKind.InvalidArgument,
                "InvalidDate",
                string.Format(CultureInfo.InvariantCulture, "The date {0:yyyy-MM-dd HH:mm:ss}Z is before 1970-01-01, which the API cannot express.", utc));
        }

        return (utc.Ticks - Epoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    public static DateTime FromUnixMilliseconds(long milliseconds) => Epoch.AddTicks(milliseconds * TimeSpan.TicksPerMillisecond);
}
