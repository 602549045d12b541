using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace MeetEngage.Commands;

/// <summary>
/// Gives rows the same columns, because Export-Csv takes its columns from the first object only
/// (PowerShell issue 12728) and rows of one response need not share a schema.
/// </summary>
internal static class RowShape
{
    /// <summary>Exactly these properties in this order; a missing one is $null, others are dropped.</summary>
    public static PSObject Project(PSObject row, IReadOnlyList<string> names)
    {
        if (HasExactly(row, names))
        {
            return row;
        }

        var shaped = new PSObject();
        foreach (var name in names)
        {
            shaped.Properties.Add(new PSNoteProperty(name, row.Properties[name]?.Value), preValidated: true);
        }

        return shaped;
    }

    /// <summary>Every property name seen, in first-seen order, compared ignoring case.</summary>
    public static IReadOnlyList<string> Union(IEnumerable<PSObject> rows)
    {
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
        {
            foreach (var property in row.Properties)
            {
                if (seen.Add(property.Name))
                {
                    names.Add(property.Name);
                }
            }
        }

        return names;
    }

    /// <summary>The names without repeats (ignoring case), in their first order.</summary>
    public static string[] Distinct(IEnumerable<string> names) =>
        names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static bool HasExactly(PSObject row, IReadOnlyList<string> names)
    {
        var index = 0;
        foreach (var property in row.Properties)
        {
            if (index >= names.Count || !string.Equals(property.Name, names[index], StringComparison.Ordinal))
            {
                return false;
            }

            index++;
        }

        return index == names.Count;
    }
}
