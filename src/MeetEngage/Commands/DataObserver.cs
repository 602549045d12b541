using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using MeetEngage.Json;

namespace MeetEngage.Commands;

/// <summary>Sends what the body carries beside 'output' to the matching stream, and drives progress.</summary>
internal sealed class DataObserver : MeetEngageCmdlet.StreamObserver
{
    /// <summary>A warning or error the API sends beside the rows is shown up to this length.</summary>
    private const int MaxMetadataChars = 2000;

    private readonly DataProgress _progress;
    private readonly string _dataMethod;

    public DataObserver(MeetEngageCmdlet cmdlet, DataProgress progress, string dataMethod)
        : base(cmdlet)
    {
        _progress = progress;
        _dataMethod = dataMethod;
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
                Cmdlet.WriteError(new ErrorRecord(error, "MeetEngage.ApiReportedError", ErrorCategory.InvalidResult, _dataMethod));
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
        MeetEngage.Export.ExportRow row => new[] { string.Join(", ", row.Properties.Select(static p => p.Key + "=" + string.Join("|", RawTexts(p.Value)))) },
        PSObject obj => new[] { string.Join(", ", obj.Properties.Select(static p => p.Name + "=" + string.Join("|", RawTexts(p.Value)))) },
        IFormattable formattable => new[] { formattable.ToString(null, CultureInfo.InvariantCulture) },
        IEnumerable items => items.Cast<object?>().SelectMany(RawTexts).ToArray(),
        _ => new[] { value.ToString() ?? string.Empty },
    };
}
