using System;
using System.Text;

namespace MeetEngage.Json;

/// <summary>
/// Short, printable, single-line excerpts of untrusted bytes for error messages. What must not be
/// shown (credentials a server echoed) is the caller's to say: it passes a redaction, applied to the
/// decoded text before it is cut, so a secret cut in half by the window is still recognised.
/// </summary>
internal static class Excerpts
{
    public static string Printable(ArraySegment<byte> bytes, int maxChars, Func<string, string>? redact, bool quoted = true)
    {
        if (bytes.Array is null || bytes.Count == 0)
        {
            return quoted ? "(nothing)" : string.Empty;
        }

        // Decoding replaces invalid UTF-8 with U+FFFD instead of throwing.
        return Printable(Encoding.UTF8.GetString(bytes.Array, bytes.Offset, Math.Min(bytes.Count, maxChars * 4)), maxChars, redact, quoted);
    }

    /// <summary>The same for text that came from (or quotes) an untrusted body, such as a parser's message.</summary>
    public static string Printable(string untrusted, int maxChars, Func<string, string>? redact, bool quoted)
    {
        var text = redact is null ? untrusted : redact(untrusted);
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
