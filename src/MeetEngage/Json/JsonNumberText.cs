using System.Runtime.CompilerServices;
using System;
using System.Text;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>
/// Marks a row builder that wants the row as the API sent it: each JSON number as its text (a
/// <see cref="JsonNumberText"/>) instead of a converted .NET number, and each key as sent, not
/// under the name a PowerShell property needs (<see cref="RowPropertyNames"/>). A file export keeps
/// the API's digits (<c>1.50</c>, <c>1E2</c>, 30 significant digits) where any conversion could
/// change them, and a JSON Lines line must equal the API's row.
/// </summary>
internal interface IKeepsApiText
{
}

/// <summary>A JSON number exactly as written in the body; JSON numbers are ASCII.</summary>
internal sealed record JsonNumberText(string Text)
{
    [MethodImpl(HotPath.Optimized)]
    public static JsonNumberText From(ReadOnlySpan<byte> raw)
    {
        var chars = new char[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            chars[i] = (char)raw[i];
        }

        return new JsonNumberText(new string(chars));
    }

    /// <summary>The .NET value Get-MeetEngageData gives the same number, so -Flatten keeps its types.</summary>
    public object ToValue()
    {
        var reader = new Utf8JsonReader(Encoding.ASCII.GetBytes(Text));
        reader.Read();
        return JsonNumber.Read(ref reader);
    }

    public override string ToString() => Text;
}
