using System;
using System.Text;
using System.Text.RegularExpressions;

namespace MeetEngage.Json;

/// <summary>Short, printable, single-line excerpts of untrusted bytes for error messages.</summary>
internal static class Excerpts
{
    public const string RedactedCredentials = "Basic ***";

    // A server or proxy that echoes the request (debug pages, reflecting gateways) would put our
    // own Authorization header into the body, and from there into an error message and a log.
    // JSON may escape '/' as '\/', so backslashes belong to the token too.
    private static readonly Regex BasicCredentials = new(@"\bBasic\s+([A-Za-z0-9+/\\_-]+=*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public static string Printable(ArraySegment<byte> bytes, int maxChars, bool quoted = true)
    {
        if (bytes.Array is null || bytes.Count == 0)
        {
            return quoted ? "(nothing)" : string.Empty;
        }

        // Decoding replaces invalid UTF-8 with U+FFFD instead of throwing.
        return Printable(Encoding.UTF8.GetString(bytes.Array, bytes.Offset, Math.Min(bytes.Count, maxChars * 4)), maxChars, quoted);
    }

    /// <summary>The same for text that came from (or quotes) an untrusted body, such as a parser's message.</summary>
    public static string Printable(string untrusted, int maxChars, bool quoted)
    {
        var text = RedactCredentials(untrusted);
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

    /// <summary>
    /// Replaces what looks like Basic credentials with <c>Basic ***</c>: a token that decodes to
    /// <c>user:password</c>, that is not a plain word, or that the excerpt's window cut off (so
    /// no part of one survives either). Prose such as "Basic authentication" stays.
    /// </summary>
    internal static string RedactCredentials(string text) =>
        text.IndexOf("basic", StringComparison.OrdinalIgnoreCase) < 0
            ? text
            : BasicCredentials.Replace(text, match => LooksLikeCredentials(match, text.Length) ? RedactedCredentials : match.Value);

    private static bool LooksLikeCredentials(Match match, int textLength)
    {
        var token = match.Groups[1].Value;
        if (match.Index + match.Length >= textLength)
        {
            return true;
        }

        foreach (var c in token)
        {
            if (!char.IsLetter(c))
            {
                return true;
            }
        }

        return DecodesToUserAndPassword(token);
    }

    private static bool DecodesToUserAndPassword(string token)
    {
        if (token.Length % 4 != 0)
        {
            return false;
        }

        try
        {
            return Array.IndexOf(Convert.FromBase64String(token), (byte)':') >= 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
