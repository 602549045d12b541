using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace MeetEngage.Export;

/// <summary>
/// The union of every row's columns in first-seen order, compared ignoring case as PowerShell
/// property names are (the first spelling seen names the column). The only per-export state that
/// grows with the data, so it is bounded: <see cref="MaxColumns"/> names.
/// </summary>
internal sealed class ColumnSet
{
    public const int MaxColumns = 10_000;

    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _names = new();

    // The name seen at each position of the last row, and its column: rows mostly repeat the
    // same names, as the same string instances (the reader decodes each name once), so a
    // reference compare usually replaces the case-insensitive lookup.
    private string?[] _lastNames = new string?[64];
    private int[] _lastColumns = new int[64];

    private readonly bool _refuseBeyondBound;

    /// <param name="names">Columns known already (a resumed export's).</param>
    /// <param name="refuseBeyondBound">
    /// True for CSV, whose header must hold every column: past the bound is an error. False for
    /// JSON Lines, which only counts them: past the bound, names are no longer counted.
    /// </param>
    public ColumnSet(IEnumerable<string>? names = null, bool refuseBeyondBound = true)
    {
        _refuseBeyondBound = refuseBeyondBound;
        if (names is not null)
        {
            foreach (var name in names)
            {
                IndexOf(name);
            }
        }
    }

    public int Count => _names.Count;

    public IReadOnlyList<string> Names => _names;

    /// <summary>The column of the name at <paramref name="position"/> in its row, adding it when it is new.</summary>
    [MethodImpl(HotPath.Optimized)]
    public int IndexOf(string name, int position)
    {
        if (position < _lastNames.Length)
        {
            if (ReferenceEquals(_lastNames[position], name))
            {
                return _lastColumns[position];
            }
        }
        else
        {
            Array.Resize(ref _lastNames, Math.Max(_lastNames.Length * 2, position + 1));
            Array.Resize(ref _lastColumns, _lastNames.Length);
        }

        var index = IndexOf(name);
        _lastNames[position] = name;
        _lastColumns[position] = index;
        return index;
    }

    /// <summary>The column's position, or -1 when there is no such column.</summary>
    public int Find(string name) => _index.TryGetValue(name, out var index) ? index : -1;

    /// <summary>The column's position, adding it at the end when it is new (-1 when full and not refusing).</summary>
    public int IndexOf(string name)
    {
        if (_index.TryGetValue(name, out var index))
        {
            return index;
        }

        if (_names.Count >= MaxColumns && !_refuseBeyondBound)
        {
            return -1;
        }

        if (_names.Count >= MaxColumns)
        {
            throw new MeetEngageException(
                ErrorKind.InvalidData,
                "TooManyColumns",
                string.Format(CultureInfo.InvariantCulture, "The rows have more than {0:N0} different columns, more than a CSV file can usefully hold. Export to JSON Lines (-Format JsonLines) instead.", MaxColumns));
        }

        index = _names.Count;
        _index.Add(name, index);
        _names.Add(name);
        return index;
    }
}
