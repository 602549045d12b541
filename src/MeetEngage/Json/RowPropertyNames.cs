using System;

namespace MeetEngage.Json;

/// <summary>
/// The names under which keys that no PowerShell object can carry as sent are kept. The API has
/// no schema, so such keys are legal: an empty key (a PSObject property needs a name), and the
/// names of the members PowerShell gives every object, which a note property would shadow
/// (<c>$row.PSObject</c> would return the value sent and Select-Object would fail).
/// </summary>
internal static class RowPropertyNames
{
    /// <summary>The name of an empty key.</summary>
    public const string EmptyKey = "(empty)";

    /// <summary>Appended to a reserved name: PSObject becomes PSObject_.</summary>
    public const string ReservedSuffix = "_";

    private static readonly string[] Reserved = { "PSObject", "psbase", "psadapted", "psextended", "pstypenames" };

    /// <summary>The name to keep a key under; the key itself unless it needs another.</summary>
    public static string For(string key)
    {
        if (key.Length == 0)
        {
            return EmptyKey;
        }

        // Called for every cell of a file export: most keys are ruled out by their first letter.
        if (key[0] is not ('p' or 'P'))
        {
            return key;
        }

        foreach (var reserved in Reserved)
        {
            if (string.Equals(key, reserved, StringComparison.OrdinalIgnoreCase))
            {
                return key + ReservedSuffix;
            }
        }

        return key;
    }
}
