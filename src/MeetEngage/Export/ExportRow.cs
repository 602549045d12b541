using System.Runtime.CompilerServices;
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

/// <summary>Builds <see cref="ExportRow"/>s for the reader: keys as sent, numbers kept as their JSON text.</summary>
internal sealed class ExportRowBuilder : IRowBuilder<ExportRow>, IKeepsApiText
{
    public static readonly ExportRowBuilder Instance = new();

    [MethodImpl(HotPath.Optimized)]
    public ExportRow NewObject(int expectedProperties) => new(expectedProperties);

    [MethodImpl(HotPath.Optimized)]
    public void Add(ExportRow target, string name, object? value) =>
        target.Properties.Add(new KeyValuePair<string, object?>(name, value));

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
