using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// Flattens a row for CSV (DESIGN.md "Flattening"): a nested object becomes dotted columns
/// (<c>Details.Campaign.Name</c>), an array one cell of compact JSON text, an empty object or array
/// <c>{}</c> / <c>[]</c>. Cell values stay a string, bool, null or JsonNumberText.
/// </summary>
/// <remarks>
/// A flattened name can collide with a real key that contains a dot (<c>Details.Source</c> beside
/// <c>Details: {Source}</c>), compared ignoring case as PowerShell does: the first one in the row
/// keeps the name, later ones get <c>_2</c>, <c>_3</c>, … and the caller is told once per name.
/// Rows without nested objects cannot collide (the reader already keeps one of a repeated key).
/// Keys arrive as the API sent them (JSON Lines keeps them so); a column takes the name
/// Get-MeetEngageData gives the property (<see cref="RowPropertyNames"/>: an empty key is
/// <c>(empty)</c>, which Import-Csv would otherwise read as <c>H1</c>), so the two stay alike.
/// </remarks>
internal sealed class Flattener
{
    private const string EmptyObject = "{}";

    private readonly CompactJson _json = new();
    private readonly List<KeyValuePair<string, object?>> _cells = new();
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _reported = new(StringComparer.OrdinalIgnoreCase);
    private readonly Action<string> _warn;
    private bool _nested;

    /// <param name="warn">Receives one message per colliding name.</param>
    public Flattener(Action<string> warn)
    {
        _warn = warn;
    }

    /// <summary>The row's cells in order; the list is reused by the next call.</summary>
    [MethodImpl(HotPath.Optimized)]
    public IReadOnlyList<KeyValuePair<string, object?>> Flatten(ExportRow row)
    {
        _cells.Clear();
        _nested = false;
        foreach (var property in row.Properties)
        {
            Add(Column(property.Key), property.Value);
        }

        if (_nested)
        {
            RenameCollisions();
        }

        return _cells;
    }

    [MethodImpl(HotPath.Optimized)]
    private void Add(string name, object? value)
    {
        switch (value)
        {
            case ExportRow nested when nested.Properties.Count == 0:
                _cells.Add(new KeyValuePair<string, object?>(name, EmptyObject));
                break;
            case ExportRow nested:
                _nested = true;
                foreach (var property in nested.Properties)
                {
                    Add(name + "." + Column(property.Key), property.Value);
                }

                break;
            case object?[] items:
                _cells.Add(new KeyValuePair<string, object?>(name, _json.WriteText(items)));
                break;
            default:
                _cells.Add(new KeyValuePair<string, object?>(name, value));
                break;
        }
    }

    /// <summary>The column name part of a key as sent; warns once for a key that needs another name.</summary>
    [MethodImpl(HotPath.Optimized)]
    public string Column(string key)
    {
        var column = RowPropertyNames.For(key);
        if (!ReferenceEquals(column, key) && _reported.Add(column))
        {
            var what = key.Length == 0 ? "a property with an empty name" : "the property '" + key + "'";
            _warn(string.Format(CultureInfo.InvariantCulture, "The response has {0}; its column is '{1}', the name Get-MeetEngageData gives it.", what, column));
        }

        return column;
    }

    private void RenameCollisions()
    {
        _names.Clear();
        for (var i = 0; i < _cells.Count; i++)
        {
            var name = _cells[i].Key;
            if (_names.Add(name))
            {
                continue;
            }

            var suffix = 2;
            string renamed;
            do
            {
                renamed = name + "_" + suffix.ToString(CultureInfo.InvariantCulture);
                suffix++;
            }
            while (!_names.Add(renamed));

            _cells[i] = new KeyValuePair<string, object?>(renamed, _cells[i].Value);
            if (_reported.Add(name))
            {
                _warn(string.Format(CultureInfo.InvariantCulture, "Two values flatten to the column '{0}' (a key with a dot beside a nested object); the later one is in '{1}'.", name, renamed));
            }
        }
    }
}
