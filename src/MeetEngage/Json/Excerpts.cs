using System;
using System.Text;

namespace MeetEngage.Json;

/// <summary>Short, printable, single-line excerpts of untrusted bytes for error messages.</summary>
internal static class Excerpts
{
    public static string Printable(ArraySegment<byte> bytes, int maxChars, bool quoted = true)
    {
        if (bytes.Array is null || bytes.Count == 0)
        {
            return quoted ? "(nothing)" : string.Empty;
        }

        // Decoding replaces invalid UTF-8 with U+FFFD instead of throwing.
        var text = Encoding.UTF8.GetString(bytes.Array, bytes.Offset, Math.Min(bytes.Count, maxChars * 4));
        var builder = new StringBuilder(Math.Min(text.Length, maxChars) + 8);
        foreach (var c in text)
        {
            if (builder.Length >= maxChars)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        var excerpt = builder.ToString().Trim();
        return quoted ? "'" + excerpt + "'" : excerpt;
    }
}
