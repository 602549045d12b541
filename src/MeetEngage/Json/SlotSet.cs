using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;

namespace MeetEngage.Json;

/// <summary>Names seen in one object; objects of up to 64 distinct names allocate nothing.</summary>
internal struct SlotSet
{
    private ulong _low;
    private HashSet<int>? _high;
    private HashSet<string>? _uncached;

    /// <summary>Adds the name; false when the object already had it (ignoring case).</summary>
    [MethodImpl(HotPath.Optimized)]
    public bool Add(PropertyName name)
    {
        var slot = name.Slot;
        if (slot < 0)
        {
            return (_uncached ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(name.Text);
        }

        if (slot < 64)
        {
            var bit = 1UL << slot;
            if ((_low & bit) != 0)
            {
                return false;
            }

            _low |= bit;
            return true;
        }

        return (_high ??= new HashSet<int>()).Add(slot);
    }
}
