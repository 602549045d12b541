using System;

namespace MeetEngage.Api;

/// <summary>Checks a -Proxy before any client is made, so a bad one is refused, not stored.</summary>
internal static class ProxyAddress
{
    /// <summary>Accepts an absolute http or https URI without user info, query or fragment.</summary>
    public static Uri Check(Uri proxy)
    {
        if (!proxy.IsAbsoluteUri || proxy.Host.Length == 0)
        {
            throw Invalid(proxy, "it is not an absolute URI; give one such as http://proxy.example.com:8080.");
        }

        if (proxy.Scheme != Uri.UriSchemeHttp && proxy.Scheme != Uri.UriSchemeHttps)
        {
            throw Invalid(proxy, "the module talks to web proxies over http (or https); '" + proxy.Scheme + "' proxies are not supported.");
        }

        if (proxy.UserInfo.Length > 0)
        {
            throw Invalid(proxy, "it must not contain a user name or password; pass them with -ProxyCredential.");
        }

        if (proxy.Query.Length > 0 || proxy.Fragment.Length > 0)
        {
            throw Invalid(proxy, "it must not contain a query (?...) or fragment (#...).");
        }

        return proxy;
    }

    private static MeetEngageException Invalid(Uri proxy, string reason) =>
        new(ErrorKind.InvalidArgument, "InvalidProxy", "The proxy '" + ApiAddress.Redact(proxy) + "' cannot be used: " + reason);
}
