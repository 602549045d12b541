using System;
using System.Globalization;
using System.Net;
using System.Text;

namespace MeetEngage.Api;

/// <summary>Checks base URIs and builds the API's request URLs.</summary>
internal static class ApiAddress
{
    public const string DefaultBaseUri = "https://meetandengage.com/api/1.0/rest";

    /// <summary>
    /// Accepts an absolute https URI, or http only to a loopback host (the simulator), without
    /// user info, query or fragment; returns it without a trailing slash.
    /// </summary>
    public static Uri NormalizeBaseUri(Uri baseUri)
    {
        if (baseUri is null)
        {
            throw new ArgumentNullException(nameof(baseUri));
        }

        if (!baseUri.IsAbsoluteUri)
        {
            throw Invalid(baseUri, "it is not an absolute URI; give one such as " + DefaultBaseUri + ".");
        }

        var isHttps = baseUri.Scheme == Uri.UriSchemeHttps;
        if (!isHttps && baseUri.Scheme != Uri.UriSchemeHttp)
        {
            throw Invalid(baseUri, "only https is supported.");
        }

        if (!isHttps && !IsLoopback(baseUri))
        {
            throw Invalid(baseUri, "plain http would send the API secret unencrypted; use https (http is allowed only to a loopback address such as 127.0.0.1).");
        }

        if (baseUri.UserInfo.Length > 0)
        {
            throw Invalid(baseUri, "it must not contain a user name or password; pass the key pair with -Credential.");
        }

        if (baseUri.Query.Length > 0 || baseUri.Fragment.Length > 0)
        {
            throw Invalid(baseUri, "it must not contain a query (?...) or fragment (#...).");
        }

        var text = baseUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text, UriKind.Absolute);
    }

    public static bool IsLoopback(Uri uri)
    {
        if (uri.IsLoopback)
        {
            return true;
        }

        var host = uri.Host.Trim('[', ']');
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary>The API root, where a GET checks the key pair.</summary>
    public static Uri Root(Uri baseUri) => baseUri;

    public static Uri OrganisationData(Uri baseUri, string account, string dataMethod, long fromMilliseconds, long toMilliseconds)
    {
        var builder = new StringBuilder(baseUri.AbsoluteUri.Length + 128);
        builder.Append(baseUri.AbsoluteUri.TrimEnd('/'))
            .Append("/organisation_data?account=").Append(Encode(account))
            .Append("&data_method=").Append(Encode(dataMethod))
            .Append("&from_date=").Append(fromMilliseconds.ToString(CultureInfo.InvariantCulture))
            .Append("&to_date=").Append(toMilliseconds.ToString(CultureInfo.InvariantCulture));
        return new Uri(builder.ToString(), UriKind.Absolute);
    }

    /// <summary>
    /// Percent-encodes every byte outside RFC 3986's unreserved set (UTF-8 first), so the server
    /// receives exactly the text given, whatever it contains.
    /// </summary>
    public static string Encode(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' || b == '~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static MeetEngageException Invalid(Uri baseUri, string reason) =>
        new(ErrorKind.InvalidArgument, "InvalidBaseUri", "The base URI '" + Redact(baseUri) + "' cannot be used: " + reason);

    /// <summary>URLs longer than this are cut in messages (a 100,000-character -Account makes one).</summary>
    public const int MaxMessageUriChars = 300;

    /// <summary>The URL for a message: whole when short, else its start and its length.</summary>
    public static string ForMessage(Uri uri)
    {
        var text = uri.IsAbsoluteUri ? uri.AbsoluteUri : uri.OriginalString;
        return text.Length <= MaxMessageUriChars
            ? text
            : text.Substring(0, MaxMessageUriChars - 100) + "… (" + text.Length.ToString("N0", CultureInfo.InvariantCulture) + " characters)";
    }

    /// <summary>The URI as text without any user info it carried.</summary>
    public static string Redact(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.UserInfo.Length == 0)
        {
            return uri.OriginalString;
        }

        return new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.AbsoluteUri;
    }
}
