using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace MeetEngage.Commands;

/// <summary>
/// Tracks which -Property names some row had, so that a misspelt name (or a dotted name without
/// -Flatten) is one warning at the end, not a silently empty column.
/// </summary>
internal sealed class PropertyPresence
{
    private readonly List<string> _unseen;

    public PropertyPresence(IEnumerable<string> names)
    {
        _unseen = new List<string>(names);
    }

    public void Saw(PSObject row)
    {
        for (var i = _unseen.Count - 1; i >= 0; i--)
        {
            if (row.Properties[_unseen[i]] is not null)
            {
                _unseen.RemoveAt(i);
            }
        }
    }

    public IReadOnlyList<string> NeverSeen() => _unseen;
}
