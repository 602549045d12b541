using System;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using MeetEngage.Json;

namespace MeetEngage.Api;

/// <summary>
/// Turns a response the module cannot use into a <see cref="MeetEngageException"/>: the status
/// mapped to an <see cref="ErrorKind"/> and advice, the API's own message read from a bounded part
/// of the body, and bodies of the wrong kind (an HTML page) refused before they are parsed.
/// </summary>
internal static class ResponseErrors
{
    /// <summary>How much of an unexpected body an error message quotes.</summary>
    public const int ExcerptChars = 160;

    /// <summary>How much of the API's own error message is quoted: it is meant to be read, so more.</summary>
    private const int ApiMessageChars = 300;

    private const int MaxErrorBodyBytes = 8 * 1024;

    /// <summary>Throws when the body is an HTML page (a proxy's or a sign-in page) instead of JSON.</summary>
    public static void RefuseHtml(HttpResponseMessage response, Uri uri, TimeSpan timeout)
    {
        if (!IsHtml(response))
        {
            return;
        }

        using (response)
        {
            throw new MeetEngageException(ErrorKind.InvalidData, "InvalidResponse", "GET " + ApiAddress.ForMessage(uri) + " answered " + Describe(response) + " with an HTML page instead of JSON; is the base URI the API root (a proxy or sign-in page may have answered)? It began: " + Excerpt(ReadSmallBody(response, timeout, CancellationToken.None)))
            {
                StatusCode = (int)response.StatusCode,
                RequestUri = uri,
            };
        }
    }

    /// <summary>The exception for a response that was not a success and will not be retried.</summary>
    /// <param name="retries">Retries of this request (not the session's total), for the message when it gave up.</param>
    /// <param name="gaveUpBecause">Why retrying stopped, or null when the failure was never worth a retry.</param>
    /// <param name="atApiRoot">The request was the key check at the API root, where a 404 means a wrong -BaseUri.</param>
    public static MeetEngageException For(HttpResponseMessage response, Uri uri, int retries, string? gaveUpBecause, bool atApiRoot, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var apiMessage = ReadApiMessage(response, timeout, cancellationToken);
        var (kind, id, advice) = status switch
        {
            400 => (ErrorKind.InvalidArgument, "BadRequest", "The API refused the request's parameters."),
            401 => (ErrorKind.Authentication, "AuthenticationFailed", "The key pair was not accepted: check the key (user name) and secret (password) of -Credential, and that the key has not been revoked."),
            403 => (ErrorKind.PermissionDenied, "AccessDenied", "The key pair is valid but may not read this: check -Account (keys belong to one Meet & Engage account)."),
            404 when atApiRoot => (ErrorKind.NotFound, "NotFound", "Nothing answers at this address: -BaseUri must be the API root, such as " + ApiAddress.DefaultBaseUri + " (with its /api/1.0/rest path)."),
            404 => (ErrorKind.NotFound, "NotFound", "No such resource or data method: check -DataMethod (custom methods come from your account manager) and -BaseUri."),
            429 => (ErrorKind.LimitsExceeded, "RateLimited", "The API's rate limit for this key was exceeded; another process may be using the same key."),
            _ when status >= 500 || status == 408 => (ErrorKind.Connection, "ServerError", "The API had a problem; try again later."),
            _ => (ErrorKind.InvalidData, "UnexpectedStatus", "The API answered in a way the module does not expect."),
        };

        var message = new StringBuilder();
        message.Append("GET ").Append(ApiAddress.ForMessage(uri)).Append(" failed: ").Append(Describe(response)).Append('.');
        if (!string.IsNullOrEmpty(apiMessage))
        {
            message.Append(" The API said: ").Append(apiMessage).Append('.');
        }

        message.Append(' ').Append(advice);
        if (gaveUpBecause is not null)
        {
            message.Append(retries == 0 ? " Not retried: " : " Gave up after " + retries.ToString(CultureInfo.InvariantCulture) + (retries == 1 ? " retry: " : " retries: "))
                .Append(gaveUpBecause).Append('.');
        }

        return new MeetEngageException(kind, id, message.ToString())
        {
            StatusCode = status,
            RequestUri = uri,
        };
    }

    /// <summary>The API's own message from an error body (see <see cref="ApiFields.ErrorMessage"/>), bounded and printable.</summary>
    public static string? ReadApiMessage(HttpResponseMessage response, TimeSpan timeout, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = ReadSmallBody(response, timeout, cancellationToken);
        }
        catch (MeetEngageException)
        {
            return null;
        }

        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in ApiFields.ErrorMessage)
                {
                    if (document.RootElement.TryGetProperty(name, out var value))
                    {
                        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                        return Excerpts.Printable(new ArraySegment<byte>(Encoding.UTF8.GetBytes(text ?? string.Empty)), ApiMessageChars, CredentialRedaction.Redact, quoted: false);
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return IsHtml(response) ? "(an HTML page)" : Excerpt(body);
    }

    /// <summary>
    /// Reads at most a few KB of a body, each read within the request timeout (-TimeoutSec), as
    /// the rows are: a server that stalls an error body is no different from one that stalls rows.
    /// </summary>
    public static byte[] ReadSmallBody(HttpResponseMessage response, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var stream = response.Content.ReadAsStreamAsync().ConfigureAwait(false).GetAwaiter().GetResult();
        using var bounded = new TimeoutReadStream(stream, response, timeout, cancellationToken);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = bounded.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        Array.Resize(ref buffer, total);
        return buffer;
    }

    /// <summary>A quoted, redacted, printable start of an unexpected body.</summary>
    public static string Excerpt(byte[] body) => Excerpts.Printable(new ArraySegment<byte>(body), ExcerptChars, CredentialRedaction.Redact);

    public static string Describe(HttpResponseMessage response) =>
        ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase;

    private static bool IsHtml(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0;
}
