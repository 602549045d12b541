using System;

namespace MeetEngage;

/// <summary>What Test-MeetEngageAccess -Detailed reports.</summary>
public sealed class MeetEngageAccessResult
{
    internal MeetEngageAccessResult(bool authenticated, string account, Uri baseUri, int statusCode, TimeSpan latency, string? message)
    {
        Authenticated = authenticated;
        Account = account;
        BaseUri = baseUri;
        StatusCode = statusCode;
        Latency = latency;
        Message = message;
    }

    public bool Authenticated { get; }

    public string Account { get; }

    public Uri BaseUri { get; }

    public int StatusCode { get; }

    public TimeSpan Latency { get; }

    /// <summary>The API's own message when it refused the key pair.</summary>
    public string? Message { get; }

    public override string ToString() => Authenticated ? "Authenticated" : "Not authenticated";
}
