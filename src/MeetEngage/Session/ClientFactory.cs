using System;
using System.Management.Automation;
using MeetEngage.Api;

namespace MeetEngage.Session;

/// <summary>
/// A client for a key pair as the cmdlets take it (a PSCredential holding the API key and secret):
/// what Connect-MeetEngage keeps in a session and Test-MeetEngageAccess uses once.
/// </summary>
internal static class ClientFactory
{
    public static MeetEngageClient ForKeyPair(Uri baseUri, PSCredential credential, int timeoutSec, int maximumRetryCount, Uri? proxy, PSCredential? proxyCredential, bool proxyUseDefaultCredentials)
    {
        // Windows PowerShell's credential dialog may prefix a bare user name with '\'.
        // [pscredential]::Empty, a common default in scripts, has neither name nor password.
        var apiKey = (credential.UserName ?? string.Empty).TrimStart('\\');
        if (apiKey.Trim().Length == 0)
        {
            throw new MeetEngageException(ErrorKind.InvalidArgument, "InvalidCredential", "-Credential has no user name: put the API key in the user name and the secret in the password.");
        }

        if (credential.Password is null || credential.Password.Length == 0)
        {
            throw new MeetEngageException(ErrorKind.InvalidArgument, "InvalidCredential", "-Credential has no password: put the API secret in the password.");
        }

        if (proxyCredential is not null && (proxyCredential.UserName ?? string.Empty).Trim().Length == 0)
        {
            throw new MeetEngageException(ErrorKind.InvalidArgument, "InvalidProxyCredential", "-ProxyCredential has no user name: give the proxy's user name and password, or use -ProxyUseDefaultCredentials for your logon.");
        }

        if (proxy is not null)
        {
            ProxyAddress.Check(proxy);
        }

        var options = new ClientOptions(baseUri, apiKey, credential.Password)
        {
            Timeout = TimeSpan.FromSeconds(timeoutSec),
            MaximumRetryCount = maximumRetryCount,
            Proxy = proxy,
            ProxyCredential = proxyCredential?.GetNetworkCredential(),
            ProxyUseDefaultCredentials = proxyUseDefaultCredentials,
        };
        return new MeetEngageClient(options);
    }
}
