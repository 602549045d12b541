using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using MeetEngage.Api;

namespace MeetEngage.Session;

/// <summary>
/// A connection to one Meet &amp; Engage account with one key pair. It shows the account, the base
/// URI, a masked key and its request counters; the secret is held only inside, as a SecureString,
/// and no property, view or serialization of this object reaches it.
/// </summary>
public sealed class MeetEngageSession : IDisposable
{
    internal MeetEngageSession(string account, MeetEngageClient client, DateTime connectedAt)
    {
        Account = account;
        Client = client;
        ConnectedAt = connectedAt;
        ApiKeyId = MaskKey(client.Options.ApiKey);
    }

    public string Account { get; }

    public Uri BaseUri => Client.Options.BaseUri;

    /// <summary>The start of the API key, enough to tell keys apart; never the secret.</summary>
    public string ApiKeyId { get; }

    /// <summary>When the session was created, in UTC.</summary>
    public DateTime ConnectedAt { get; }

    public int TimeoutSec => (int)Client.Options.Timeout.TotalSeconds;

    public int MaximumRetryCount => Client.Options.MaximumRetryCount;

    public Uri? Proxy => Client.Options.Proxy;

    public long RequestCount => Client.Counters.Requests;

    public long ThrottleWaitCount => Client.Counters.ThrottleWaits;

    public long RetryCount => Client.Counters.Retries;

    /// <summary>Of the throttle waits, those caused by another process on this machine using the same key.</summary>
    public long OtherProcessWaitCount => Client.Counters.OtherProcessWaits;

    /// <summary>False once Disconnect-MeetEngage has released the session.</summary>
    public bool IsOpen { get; private set; } = true;

    internal MeetEngageClient Client { get; }

    /// <summary>Whether the user got this session (-PassThru) and may use it after it stops being the current one.</summary>
    internal bool HeldByUser { get; set; }

    /// <summary>The data methods this session has asked for, for tab completion.</summary>
    internal IEnumerable<string> DataMethodsUsed => _dataMethods.Keys.OrderBy(static name => name, StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentDictionary<string, bool> _dataMethods = new(StringComparer.Ordinal);

    internal void RememberDataMethod(string dataMethod) => _dataMethods.TryAdd(dataMethod, true);

    public void Dispose()
    {
        if (IsOpen)
        {
            IsOpen = false;
            Client.Dispose();
        }
    }

    public override string ToString() =>
        string.Format(CultureInfo.InvariantCulture, "{0} at {1} (key {2})", Account, BaseUri, ApiKeyId);

    internal static string MaskKey(string apiKey) =>
        apiKey.Length >= 8 ? apiKey.Substring(0, 4) + "…" : "…";
}
