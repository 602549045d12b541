using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MeetEngage.Api;
using MeetEngage.Export;
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

    private DataRequest _request = null!;
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
    [ValidateRange(1, DataRequest.MaxChunkDays)]
    public int ChunkDays { get; set; }

    [Parameter]
    public SwitchParameter Flatten { get; set; }

    protected override void BeginProcessing()
    {
        _request = DataRequest.Plan(this, From, To, ChunkDays);
        if (ParameterSetName == PropertySet)
        {
            _property = RowShape.Distinct(Property);
        }
    }

    protected override void ProcessRecordCore()
    {
        var reading = new DataReading(this, ResolveSession(Session), DataMethod, _request, MyInvocation.MyCommand.Name);
        var held = NormalizeProperties ? new List<PSObject>() : null;
        var missing = _property is null ? null : new PropertyPresence(_property);
        var flattener = Flatten ? new Flattener(WriteWarning) : null;
        void Emit(PSObject row)
        {
            missing?.Saw(row);
            if (held is not null)
            {
                held.Add(row);
            }
            else
            {
                WriteObject(_property is null ? row : RowShape.Project(row, _property));
            }
        }

        try
        {
            if (flattener is null)
            {
                reading.Run(PSObjectRowBuilder.Instance, 0, Emit, ChunkFailed, null, CancelToken);
            }
            else
            {
                reading.Run(ExportRowBuilder.Instance, 0, row => Emit(FlatRows.ToPSObject(flattener.Flatten(row))), ChunkFailed, null, CancelToken);
            }
        }
        finally
        {
            // Rows already read are written even when a later failure ends the command.
            if (held is not null && !CancelToken.IsCancellationRequested)
            {
                WriteNormalized(held);
            }
        }

        if (missing?.NeverSeen() is { Count: > 0 } never)
        {
            WriteWarning(string.Format(CultureInfo.InvariantCulture, "No row had the propert{0} {1}: {2} empty.", never.Count == 1 ? "y" : "ies", string.Join(", ", never.Select(static n => "'" + n + "'")), never.Count == 1 ? "its column is" : "their columns are"));
        }

        WriteVerbose(reading.Summary());
    }

    internal override object? TargetFor(MeetEngageException exception) => DataMethod;

    private void WriteNormalized(List<PSObject> held)
    {
        var columns = RowShape.Union(held);
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "-NormalizeProperties: {0} rows with the {1} columns {2}.", held.Count, columns.Count, string.Join(", ", columns)));
        foreach (var row in held)
        {
            WriteObject(RowShape.Project(row, columns));
        }
    }

    private bool ChunkFailed(MeetEngageException e, int index, DateRange range)
    {
        // One failed chunk must not cost the others: report its exact range and go on.
        if (IsTerminating(e))
        {
            throw e;
        }

        var failure = DataRequest.ChunkFailure(e, index, _request.Ranges.Count, range, string.Format(CultureInfo.InvariantCulture, "Re-run just this range with -From {0:yyyy-MM-dd} -To {1:yyyy-MM-dd}.", range.From, range.To));
        var target = new PSObject();
        target.Properties.Add(new PSNoteProperty("DataMethod", DataMethod));
        target.Properties.Add(new PSNoteProperty("From", range.From));
        target.Properties.Add(new PSNoteProperty("To", range.To));
        WriteError(ToErrorRecord(failure, target));
        return true;
    }
}
