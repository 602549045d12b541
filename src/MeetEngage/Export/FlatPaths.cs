using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// The flattened names of a CSV export's cells, as numbered paths: a path is its parent's path
/// and a property name (<c>Details</c>, then <c>Details.Campaign</c>), and each path that holds a
/// cell has a column of the <see cref="ColumnSet"/>. Compared ignoring case, as columns are. Rows
/// mostly repeat the previous row's names in the same order, so the path found at each position
/// of the last row is tried first, with two compares. Which column a path's cells go to, and its
/// name, are the writer's business: a row may still be set aside after its paths, and the row
/// that makes a column names it.
/// </summary>
/// <remarks>
/// Paths grow with distinct flattened names only: every path either holds a cell (a column, of
/// which there are at most <see cref="ColumnSet.MaxColumns"/>) or leads to one, at most the
/// reader's depth bound deep.
/// </remarks>
internal sealed class FlatPaths
{
    /// <summary>The row itself, whose children's names have no prefix.</summary>
    public const int Root = 0;

    private readonly Flattener _names;
    private readonly List<int> _columnOf = new() { -1 };
    private readonly Dictionary<(int Parent, string Name), int> _paths = new(KeyComparer.Instance);

    private int[] _lastParent = new int[64];
    private PropertyName?[] _lastName = new PropertyName?[64];
    private int[] _lastPath = new int[64];

    /// <param name="names">Gives each key its column name, and warns about the ones renamed.</param>
    public FlatPaths(Flattener names)
    {
        _names = names;
    }

    /// <summary>The path of <paramref name="name"/> in the object at <paramref name="parent"/>, the <paramref name="position"/>-th name path of its row.</summary>
    [MethodImpl(HotPath.Optimized)]
    public int Child(int parent, PropertyName name, int position)
    {
        if (position < _lastName.Length)
        {
            if (ReferenceEquals(_lastName[position], name) && _lastParent[position] == parent)
            {
                return _lastPath[position];
            }
        }
        else
        {
            var size = Math.Max(_lastName.Length * 2, position + 1);
            Array.Resize(ref _lastName, size);
            Array.Resize(ref _lastParent, size);
            Array.Resize(ref _lastPath, size);
        }

        var part = _names.Column(name.SentAs ?? name.Text);
        if (!_paths.TryGetValue((parent, part), out var path))
        {
            path = _columnOf.Count;
            _columnOf.Add(-1);
            _paths.Add((parent, part), path);
        }

        _lastName[position] = name;
        _lastParent[position] = parent;
        _lastPath[position] = path;
        return path;
    }

    /// <summary>The column of a path that held a cell before, else -1.</summary>
    public int ColumnOf(int path) => _columnOf[path];

    public void SetColumn(int path, int column) => _columnOf[path] = column;

    private sealed class KeyComparer : IEqualityComparer<(int Parent, string Name)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((int Parent, string Name) x, (int Parent, string Name) y) =>
            x.Parent == y.Parent && StringComparer.OrdinalIgnoreCase.Equals(x.Name, y.Name);

        public int GetHashCode((int Parent, string Name) key) =>
            (key.Parent * 31) ^ StringComparer.OrdinalIgnoreCase.GetHashCode(key.Name);
    }
}
