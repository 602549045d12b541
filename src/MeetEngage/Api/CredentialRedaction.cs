using System;
using System.Text.RegularExpressions;

namespace MeetEngage.Api;

/// <summary>Keeps our own Authorization header out of anything a user or a log may see.</summary>
internal static class CredentialRedaction
{
    public const string RedactedCredentials = "Basic ***";

    /// <summary>What the debug stream shows for the header every request carries.</summary>
    public const string RedactedHeader = "Authorization: " + RedactedCredentials;

    // A server or proxy that echoes the request (debug pages, reflecting gateways) would put our
    // own Authorization header into the body, and from there into an error message and a log.
    // JSON may escape '/' as '\/', so backslashes belong to the token too.
    private static readonly Regex BasicCredentials = new(@"\bBasic\s+([A-Za-z0-9+/\\_-]+=*)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>
    /// Replaces what looks like Basic credentials with <c>Basic ***</c>: a token that decodes to
    /// <c>user:password</c>, that is not a plain word, or that the excerpt's window cut off (so
    /// no part of one survives either). Prose such as "Basic authentication" stays.
    /// </summary>
    public static string Redact(string text) =>
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
