using System.Collections.Generic;
using System.Management.Automation;
using MeetEngage.Json;

namespace MeetEngage.Commands;

/// <summary>Get-MeetEngageData -Flatten: a flattened row as a PSCustomObject, numbers typed as without -Flatten.</summary>
internal static class FlatRows
{
    public static PSObject ToPSObject(IReadOnlyList<KeyValuePair<string, object?>> cells)
    {
        var row = new PSObject();
        foreach (var cell in cells)
        {
            var value = cell.Value is JsonNumberText number ? number.ToValue() : cell.Value;
            row.Properties.Add(new PSNoteProperty(cell.Key, value), preValidated: true);
        }

        return row;
    }
}
