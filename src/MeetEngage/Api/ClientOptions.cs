using System;
using System.Net;
using System.Security;

namespace MeetEngage.Api;

/// <summary>Everything a client needs to reach the API for one key pair.</summary>
internal sealed class ClientOptions
{
    public const int DefaultTimeoutSec = 100;
    public const int DefaultMaximumRetryCount = 4;

    public ClientOptions(Uri baseUri, string apiKey, SecureString secret)
    {
        BaseUri = ApiAddress.NormalizeBaseUri(baseUri);
        ApiKey = apiKey ?? throw new ArgumentNullException(nameof(apiKey));
        // Our own read-only copy: the caller may dispose or change theirs.
        Secret = (secret ?? throw new ArgumentNullException(nameof(secret))).Copy();
        Secret.MakeReadOnly();
    }

    public Uri BaseUri { get; }

    public string ApiKey { get; }

    public SecureString Secret { get; }

    /// <summary>Bounds connecting and each silence while reading a body, not a whole download.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(DefaultTimeoutSec);

    public int MaximumRetryCount { get; init; } = DefaultMaximumRetryCount;

    public Uri? Proxy { get; init; }

    public NetworkCredential? ProxyCredential { get; init; }

    public bool ProxyUseDefaultCredentials { get; init; }
}
