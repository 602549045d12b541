using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MeetEngage.Api;
using MeetEngage.Json;

namespace MeetEngage.Commands;

[Cmdlet(VerbsCommon.Get, "MeetEngageData")]
[OutputType(typeof(PSObject))]
public sealed class GetMeetEngageDataCommand : MeetEngageCmdlet
{
    private long _fromMilliseconds;
    private long _toMilliseconds;

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotWhiteSpace]
    [ArgumentCompleter(typeof(DataMethodCompleter))]
    public string DataMethod { get; set; } = DataMethodCompleter.Standard;

    [Parameter]
    public DateTime? From { get; set; }

    [Parameter]
    public DateTime? To { get; set; }

    [Parameter]
    [ValidateNotNull]
    public MeetEngageSession? Session { get; set; }

    protected override void BeginProcessing()
    {
        try
        {
            _fromMilliseconds = From is { } from ? ApiDates.ToUnixMilliseconds(from) : 0;
            _toMilliseconds = ApiDates.ToUnixMilliseconds(To ?? DateTime.UtcNow);
        }
        catch (MeetEngageException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, e.Message));
        }

        if (_fromMilliseconds > _toMilliseconds)
        {
            var error = new MeetEngageException(
                FailureKind.InvalidArgument,
                "FromAfterTo",
                string.Format(CultureInfo.InvariantCulture, "-From ({0:yyyy-MM-dd HH:mm:ss}Z) is after -To ({1:yyyy-MM-dd HH:mm:ss}Z); nothing was requested.", ApiDates.FromUnixMilliseconds(_fromMilliseconds), ApiDates.FromUnixMilliseconds(_toMilliseconds)));
            ThrowTerminatingError(ToErrorRecord(error, From));
        }
    }

    protected override void ProcessRecordCore()
    {
        var session = ResolveSession(Session);
        session.RememberDataMethod(DataMethod);
        var query = new DataQuery(session.Account, DataMethod, _fromMilliseconds, _toMilliseconds);
        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Reading '{0}' for account '{1}', {2:yyyy-MM-dd HH:mm:ss}Z to {3:yyyy-MM-dd HH:mm:ss}Z (the API widens these to whole UTC days).", DataMethod, session.Account, ApiDates.FromUnixMilliseconds(_fromMilliseconds), ApiDates.FromUnixMilliseconds(_toMilliseconds)));
        foreach (var row in session.Client.ReadOrganisationData(query, PSObjectRowBuilder.Instance, new DataObserver(this), CancelToken))
        {
            WriteObject(row);
        }
    }

    internal override object? TargetFor(MeetEngageException exception) => DataMethod;

    /// <summary>Sends what the body carries beside 'output' to the matching stream.</summary>
    private sealed class DataObserver : StreamObserver
    {
        public DataObserver(MeetEngageCmdlet cmdlet)
            : base(cmdlet)
        {
        }

        public override void OnMetadata(string name, object? value)
        {
            switch (name.ToUpperInvariant())
            {
                case "WARNING":
                case "WARNINGS":
                    foreach (var text in Texts(value))
                    {
                        Cmdlet.WriteWarning("The API warned: " + text);
                    }

                    break;
                case "ERROR":
                case "ERRORS":
                    foreach (var text in Texts(value))
                    {
                        var error = new MeetEngageException(FailureKind.InvalidData, "ApiReportedError", "The API reported an error: " + text);
                        Cmdlet.WriteError(new ErrorRecord(error, "MeetEngage.ApiReportedError", ErrorCategory.InvalidResult, ((GetMeetEngageDataCommand)Cmdlet).DataMethod));
                    }

                    break;
                default:
                    Cmdlet.WriteVerbose("The API sent '" + name + "': " + string.Join("; ", Texts(value)));
                    break;
            }
        }

        private static string[] Texts(object? value) => value switch
        {
            null => Array.Empty<string>(),
            string text => new[] { text },
            object[] items => items.SelectMany(Texts).ToArray(),
            PSObject obj => new[] { string.Join(", ", obj.Properties.Select(static p => p.Name + "=" + string.Join("|", Texts(p.Value)))) },
            IFormattable formattable => new[] { formattable.ToString(null, CultureInfo.InvariantCulture) },
            IEnumerable items => items.Cast<object?>().SelectMany(Texts).ToArray(),
            _ => new[] { value.ToString() ?? string.Empty },
        };
    }
}
