using System;
using System.Collections.Generic;
using System.Globalization;
using MeetEngage.Api;

namespace MeetEngage.Commands;

/// <summary>
/// The dates and chunks of one data request, checked before anything is sent: shared by
/// Get-MeetEngageData and Export-MeetEngageData so both read the same range the same way.
/// </summary>
internal sealed class DataRequest
{
    /// <summary>The largest -ChunkDays: ten years of days.</summary>
    public const int MaxChunkDays = 3660;

    private DataRequest(long fromMilliseconds, long toMilliseconds, int chunkDays)
    {
        FromMilliseconds = fromMilliseconds;
        ToMilliseconds = toMilliseconds;
        ChunkDays = chunkDays;
        Ranges = chunkDays > 0
            ? DateChunks.Plan(fromMilliseconds, toMilliseconds, chunkDays)
            : new[] { new DateRange(fromMilliseconds, toMilliseconds) };
    }

    public long FromMilliseconds { get; }

    public long ToMilliseconds { get; }

    public int ChunkDays { get; }

    public bool Chunked => ChunkDays > 0;

    public IReadOnlyList<DateRange> Ranges { get; }

    /// <summary>The request, or a terminating error on the cmdlet naming the parameter at fault.</summary>
    public static DataRequest Plan(MeetEngageCmdlet cmdlet, DateTime? from, DateTime? to, int chunkDays)
    {
        var fromMilliseconds = from is { } f ? ToApiDate(cmdlet, f, "-From", "omit -From to read from the beginning") : 0;
        var toMilliseconds = to is { } t ? ToApiDate(cmdlet, t, "-To", "give a later -To (-To 0 is the year 1, not the Unix epoch), or omit it to read up to now") : ApiDates.ToUnixMilliseconds(DateTime.UtcNow);
        SayWhenWidened(cmdlet, from, "-From", roundsUp: false);
        SayWhenWidened(cmdlet, to, "-To", roundsUp: true);

        if (fromMilliseconds > toMilliseconds)
        {
            Refuse(cmdlet, "FromAfterTo", string.Format(CultureInfo.InvariantCulture, "-From ({0:yyyy-MM-dd HH:mm:ss}Z) is after -To ({1:yyyy-MM-dd HH:mm:ss}Z); nothing was requested.", ApiDates.FromUnixMilliseconds(fromMilliseconds), ApiDates.FromUnixMilliseconds(toMilliseconds)), from);
        }

        if (chunkDays > 0 && from is null)
        {
            Refuse(cmdlet, "ChunkDaysNeedsFrom", "-ChunkDays splits the range from -From to -To into chunks: give -From as well (the API's data has no known start).", chunkDays);
        }

        return new DataRequest(fromMilliseconds, toMilliseconds, chunkDays);
    }

    /// <summary>The same request with another end (a resume keeps the first run's 'now').</summary>
    public DataRequest WithEnd(long toMilliseconds) => new(FromMilliseconds, toMilliseconds, ChunkDays);

    public string Describe(string dataMethod, string account) =>
        string.Format(CultureInfo.InvariantCulture, "Reading '{0}' for account '{1}', {2:yyyy-MM-dd HH:mm:ss}Z to {3:yyyy-MM-dd HH:mm:ss}Z (the API widens these to whole UTC days){4}.", dataMethod, account, ApiDates.FromUnixMilliseconds(FromMilliseconds), ApiDates.FromUnixMilliseconds(ToMilliseconds), Chunked ? string.Format(CultureInfo.InvariantCulture, " in {0} chunks of {1} days", Ranges.Count, ChunkDays) : string.Empty);

    /// <summary>A chunk's failure, naming its range so the user can act on exactly that.</summary>
    public static MeetEngageException ChunkFailure(MeetEngageException e, int index, int count, DateRange range, string advice) =>
        new(e.Kind, e.ErrorId, string.Format(CultureInfo.InvariantCulture, "Chunk {0} of {1} ({2:yyyy-MM-dd} to {3:yyyy-MM-dd} UTC) failed: {4} {5}", index + 1, count, range.From, range.To, e.Message, advice), e)
        {
            StatusCode = e.StatusCode,
            RequestUri = e.RequestUri,
            RowsWritten = e.RowsWritten,
        };

    private static long ToApiDate(MeetEngageCmdlet cmdlet, DateTime value, string parameter, string advice)
    {
        try
        {
            return ApiDates.ToUnixMilliseconds(value);
        }
        catch (MeetEngageException e)
        {
            var message = string.Format(CultureInfo.InvariantCulture, "{0} {1:yyyy-MM-dd HH:mm:ss}Z is before 1970-01-01, which the API cannot express: {2}.", parameter, ApiDates.ToUtc(value), advice);
            cmdlet.ThrowTerminatingError(MeetEngageCmdlet.ToErrorRecord(new MeetEngageException(e.Kind, e.ErrorId, message), value));
            throw;
        }
    }

    /// <summary>A local time converted to UTC that is not a midnight reads more than the user may think.</summary>
    private static void SayWhenWidened(MeetEngageCmdlet cmdlet, DateTime? value, string parameter, bool roundsUp)
    {
        if (value is not { Kind: DateTimeKind.Local } local)
        {
            return;
        }

        var utc = local.ToUniversalTime();
        if (utc.TimeOfDay == TimeSpan.Zero)
        {
            return;
        }

        var offset = TimeZoneInfo.Local.GetUtcOffset(local);
        var rounded = roundsUp ? utc.Date.AddDays(1) : utc.Date;
        cmdlet.WriteVerbose(string.Format(
            CultureInfo.InvariantCulture,
            "{0} {1:yyyy-MM-dd HH:mm:ss} (local time, UTC{2}{3:hh\\:mm}) is {4:yyyy-MM-dd HH:mm:ss}Z, not a UTC midnight: the API reads {5} {6:yyyy-MM-dd HH:mm}Z, {7}. Give a bare date ('{1:yyyy-MM-dd}') or a UTC time to read whole UTC days.",
            parameter,
            local,
            offset < TimeSpan.Zero ? "-" : "+",
            offset,
            utc,
            roundsUp ? "up to" : "from",
            rounded,
            roundsUp ? "the next UTC midnight" : "the start of that UTC day"));
    }

    private static void Refuse(MeetEngageCmdlet cmdlet, string errorId, string message, object? target) =>
        cmdlet.ThrowTerminatingError(MeetEngageCmdlet.ToErrorRecord(new MeetEngageException(ErrorKind.InvalidArgument, errorId, message), target));
}
