using System;
using System.Net;
using System.Net.Http;
using System.Runtime.InteropServices;
using System.Security.Authentication;

namespace MeetEngage.Api;

/// <summary>The client's own HTTP handler: redirects, cookies, compression, TLS floor and proxy.</summary>
internal static class HttpHandlerFactory
{
    public static HttpClientHandler Create(ClientOptions options)
    {
        var handler = new HttpClientHandler
        {
            // Redirects are followed by the client, same origin only, so the header never leaks.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            SslProtocols = MinimumTls(),
        };

        if (options.Proxy is not null)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(options.Proxy)
            {
                UseDefaultCredentials = options.ProxyUseDefaultCredentials,
                Credentials = options.ProxyCredential,
            };
        }
        else if (options.ProxyCredential is not null)
        {
            // No -Proxy: the system or environment proxy applies, with these credentials.
            handler.DefaultProxyCredentials = options.ProxyCredential;
        }
        else if (options.ProxyUseDefaultCredentials)
        {
            handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
        }

        return handler;
    }

    /// <summary>
    /// TLS 1.2 or later on our own handler, whatever the machine's defaults (Windows PowerShell
    /// 5.1 may still offer TLS 1.0). .NET Framework's handler knows no TLS 1.3 value.
    /// </summary>
#pragma warning disable CA5397 // Deliberate: an explicit floor, never the machine's possibly older default.
    private static SslProtocols MinimumTls()
    {
        const SslProtocols tls13 = (SslProtocols)12288;
        return RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
            ? SslProtocols.Tls12
            : SslProtocols.Tls12 | tls13;
    }
#pragma warning restore CA5397
}
