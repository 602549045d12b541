using System;
using System.Collections.Generic;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// A row (or nested object) as the API sent it, for writing to a file: properties in order, values
/// a string, bool, null, <see cref="JsonNumberText"/>, a nested <see cref="ExportRow"/> or an object[].
/// Much cheaper than a PSObject, and numbers keep their digits.
/// </summary>
internal sealed class ExportRow
{
    public ExportRow(int capacity)
    {
        Properties = new List<KeyValuePair<string, object?>>(capacity);
    }

    public List<KeyValuePair<string, object?>> Properties { get; }
}

/// <summary>Builds <see cref="ExportRow"/>s for the reader, with numbers kept as their JSON text.</summary>
internal sealed class ExportRowBuilder : IRowBuilder<ExportRow>, IKeepsNumberText
{
    public static readonly ExportRowBuilder Instance = new();

    // Rows mostly have as many properties as the one before: sized for that, a row's list
    // is allocated once instead of grown three times. Only a sizing hint: the shared instance
    // may see runspaces race on it, which costs at most a regrown list.
    private int _lastCount = 4;

    public ExportRow NewObject() => new(_lastCount);

    public void Add(ExportRow target, string name, object? value)
    {
        target.Properties.Add(new KeyValuePair<string, object?>(name, value));
        if (target.Properties.Count > _lastCount)
        {
            _lastCount = target.Properties.Count;
        }
    }

    public void Replace(ExportRow target, string name, object? value)
    {
        var properties = target.Properties;
        for (var i = 0; i < properties.Count; i++)
        {
            if (string.Equals(properties[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                properties[i] = new KeyValuePair<string, object?>(properties[i].Key, value);
                return;
            }
        }
    }
}
