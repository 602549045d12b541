using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MeetEngage.Api;
using MeetEngage.Json;
using MeetEngage.Session;

namespace MeetEngage.Commands;

[Cmdlet(VerbsCommon.Get, "MeetEngageData", DefaultParameterSetName = AllPropertiesSet)]
[OutputType(typeof(PSObject))]
public sealed class GetMeetEngageDataCommand : MeetEngageCmdlet
{
    private const string AllPropertiesSet = "AllProperties";
    private const string PropertySet = "Property";
    private const string NormalizeSet = "NormalizeProperties";

    private long _fromMilliseconds;
    private long _toMilliseconds;
    private string[]? _property;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateApiName(RefuseRenderedObjects = true)]
    [ArgumentCompleter(typeof(DataMethodCompleter))]
    public string DataMethod { get; set; } = DataMethodCompleter.Standard;

    [Parameter]
    [UtcDateTransformation]
    public DateTime? From { get; set; }

    [Parameter]
    [UtcDateTransformation]
    public DateTime? To { get; set; }

    [Parameter(ParameterSetName = PropertySet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string[] Property { get; set; } = null!;

    [Parameter(ParameterSetName = NormalizeSet, Mandatory = true)]
    public SwitchParameter NormalizeProperties { get; set; }

    [Parameter]
    [ValidateNotNull]
    public MeetEngageSession? Session { get; set; }

    [Parameter]
    [ValidateRange(1, 3660)]
    public int ChunkDays { get; set; }

    private bool Chunked => ChunkDays > 0;

    protected override void BeginProcessing()
    {
        _fromMilliseconds = From is { } from ? ToApiDate(from, "-From", "omit -From to read from the beginning") : 0;
        _toMilliseconds = To is { } to ? ToApiDate(to, "-To", "give a later -To (-To 0 is the year 1, not the Unix epoch), or omit it to read up to now") : ApiDates.ToUnixMilliseconds(DateTime.UtcNow);
        SayWhenWidened(From, "-From", roundsUp: false);
        SayWhenWidened(To, "-To", roundsUp: true);

        if (_fromMilliseconds > _toMilliseconds)
        {
            Refuse("FromAfterTo", string.Format(CultureInfo.InvariantCulture, "-From ({0:yyyy-MM-dd HH:mm:ss}Z) is after -To ({1:yyyy-MM-dd HH:mm:ss}Z); nothing was requested.", ApiDates.FromUnixMilliseconds(_fromMilliseconds), ApiDates.FromUnixMilliseconds(_toMilliseconds)), From);
        }

        if (Chunked && From is null)
        {
            Refuse("ChunkDaysNeedsFrom", "-ChunkDays splits the range from -From to -To into chunks: give -From as well (the API's data has no known start).", ChunkDays);
        }

        if (ParameterSetName == PropertySet)
        {
            _property = RowShape.Distinct(Property);
        }
    }

    protected override void ProcessRecordCore()
    {
        var session = ResolveSession(Session);
        var ranges = Chunked
            ? DateChunks.Plan(_fromMilliseconds, _toMilliseconds, ChunkDays)
            : new[] { new DateRange(_fromMilliseconds, _toMilliseconds) };
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Reading '{0}' for account '{1}', {2:yyyy-MM-dd HH:mm:ss}Z to {3:yyyy-MM-dd HH:mm:ss}Z (the API widens these to whole UTC days){4}.", DataMethod, session.Account, ApiDates.FromUnixMilliseconds(_fromMilliseconds), ApiDates.FromUnixMilliseconds(_toMilliseconds), Chunked ? string.Format(CultureInfo.InvariantCulture, " in {0} chunks of {1} days", ranges.Count, ChunkDays) : string.Empty));

        if (Chunked)
        {
            var rate = session.Client.RateLimit;
            var warning = ChunkPlanWarning.For(ranges.Count, session.Client.MinimumTimeFor(ranges.Count), ChunkDays, ranges[0].From, ranges[ranges.Count - 1].To, rate.Limit, rate.Window);
            if (warning is not null)
            {
                WriteWarning(warning);
            }
        }

        var progress = new DataProgress(this, session.Client, DataMethod, ranges.Count);
        var observer = new DataObserver(this, progress);
        var held = NormalizeProperties ? new List<PSObject>() : null;
        long rows = 0;
        try
        {
            for (var i = 0; i < ranges.Count; i++)
            {
                var range = ranges[i];
                progress.ChunkStarted(i, range, rows);
                var query = new DataQuery(session.Account, DataMethod, range.FromMilliseconds, range.ToMilliseconds);
                try
                {
                    foreach (var row in session.Client.ReadOrganisationData(query, PSObjectRowBuilder.Instance, observer, CancelToken))
                    {
                        rows++;
                        if (held is not null)
                        {
                            held.Add(row);
                        }
                        else
                        {
                            WriteObject(_property is null ? row : RowShape.Project(row, _property));
                        }
                    }

                    // Completion offers only methods that answered with a whole body.
                    session.RememberDataMethod(DataMethod);
                }
                catch (MeetEngageException e) when (Chunked && !IsTerminating(e))
                {
                    // One failed chunk must not cost the others: report its exact range and go on.
                    WriteError(ChunkError(e, i, ranges.Count, range));
                }
            }
        }
        finally
        {
            // Rows already read are written even when a later failure ends the command.
            if (held is not null && !CancelToken.IsCancellationRequested)
            {
                WriteNormalized(held);
            }

            progress.Complete();
        }

        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "'{0}': {1:N0} rows in all.", DataMethod, rows));
    }

    internal override object? TargetFor(MeetEngageException exception) => DataMethod;

    private long ToApiDate(DateTime value, string parameter, string advice)
    {
        try
        {
            return ApiDates.ToUnixMilliseconds(value);
        }
        catch (MeetEngageException e)
        {
            var message = string.Format(CultureInfo.InvariantCulture, "{0} {1:yyyy-MM-dd HH:mm:ss}Z is before 1970-01-01, which the API cannot express: {2}.", parameter, ApiDates.ToUtc(value), advice);
            ThrowTerminatingError(ToErrorRecord(new MeetEngageException(e.Kind, e.ErrorId, message), value));
            throw;
        }
    }

    /// <summary>A local time converted to UTC that is not a midnight reads more than the user may think.</summary>
    private void SayWhenWidened(DateTime? value, string parameter, bool roundsUp)
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
        WriteVerbose(string.Format(
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

    private void WriteNormalized(List<PSObject> held)
    {
        var columns = RowShape.Union(held);
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "-NormalizeProperties: {0} rows with the {1} columns {2}.", held.Count, columns.Count, string.Join(", ", columns)));
        foreach (var row in held)
        {
            WriteObject(RowShape.Project(row, columns));
        }
    }

    private ErrorRecord ChunkError(MeetEngageException e, int index, int count, DateRange range)
    {
        var message = string.Format(
            CultureInfo.InvariantCulture,
            "Chunk {0} of {1} ({2:yyyy-MM-dd} to {3:yyyy-MM-dd} UTC) failed: {4} Re-run just this range with -From {2:yyyy-MM-dd} -To {3:yyyy-MM-dd}.",
            index + 1,
            count,
            range.From,
            range.To,
            e.Message);
        var chunkFailure = new MeetEngageException(e.Kind, e.ErrorId, message, e)
        {
            StatusCode = e.StatusCode,
            RequestUri = e.RequestUri,
            RowsWritten = e.RowsWritten,
        };
        var target = new PSObject();
        target.Properties.Add(new PSNoteProperty("DataMethod", DataMethod));
        target.Properties.Add(new PSNoteProperty("From", range.From));
        target.Properties.Add(new PSNoteProperty("To", range.To));
        return ToErrorRecord(chunkFailure, target);
    }

    private void Refuse(string errorId, string message, object? target) =>
        ThrowTerminatingError(ToErrorRecord(new MeetEngageException(ErrorKind.InvalidArgument, errorId, message), target));

    /// <summary>Sends what the body carries beside 'output' to the matching stream, and drives progress.</summary>
    private sealed class DataObserver : StreamObserver
    {
        /// <summary>A warning or error the API sends beside the rows is shown up to this length.</summary>
        private const int MaxMetadataChars = 2000;

        private readonly DataProgress _progress;

        public DataObserver(MeetEngageCmdlet cmdlet, DataProgress progress)
            : base(cmdlet)
        {
            _progress = progress;
        }

        public override void Waiting(TimeSpan delay, string reason) => _progress.Waiting(delay, reason);

        public override void Reading(long rows, long bytes) => _progress.Rows(rows, bytes);

        public override void OnMetadata(string name, object? value)
        {
            if (ApiFields.IsWarning(name))
            {
                foreach (var text in Texts(value))
                {
                    Cmdlet.WriteWarning("The API warned: " + text);
                }
            }
            else if (ApiFields.IsError(name))
            {
                foreach (var text in Texts(value))
                {
                    var error = new MeetEngageException(ErrorKind.InvalidData, "ApiReportedError", "The API reported an error: " + text);
                    Cmdlet.WriteError(new ErrorRecord(error, "MeetEngage.ApiReportedError", ErrorCategory.InvalidResult, ((GetMeetEngageDataCommand)Cmdlet).DataMethod));
                }
            }
            else
            {
                Cmdlet.WriteVerbose("The API sent '" + name + "': " + string.Join("; ", Texts(value)));
            }
        }

        /// <summary>The texts of a metadata value, each cut to a readable length.</summary>
        private static string[] Texts(object? value) => RawTexts(value).Select(Bound).ToArray();

        private static string Bound(string text) =>
            text.Length <= MaxMetadataChars ? text : text.Substring(0, MaxMetadataChars) + "… (" + text.Length.ToString(CultureInfo.InvariantCulture) + " characters)";

        private static string[] RawTexts(object? value) => value switch
        {
            null => Array.Empty<string>(),
            string text => new[] { text },
            object[] items => items.SelectMany(RawTexts).ToArray(),
            PSObject obj => new[] { string.Join(", ", obj.Properties.Select(static p => p.Name + "=" + string.Join("|", RawTexts(p.Value)))) },
            IFormattable formattable => new[] { formattable.ToString(null, CultureInfo.InvariantCulture) },
            IEnumerable items => items.Cast<object?>().SelectMany(RawTexts).ToArray(),
            _ => new[] { value.ToString() ?? string.Empty },
        };
    }
}
