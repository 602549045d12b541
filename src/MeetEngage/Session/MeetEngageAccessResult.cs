using System;
using MeetEngage.Api;

namespace MeetEngage.Session;

/// <summary>What Test-MeetEngageAccess -Detailed reports: the client's check, with whose and where.</summary>
public sealed class MeetEngageAccessResult
{
    private readonly AccessCheck _check;

    internal MeetEngageAccessResult(AccessCheck check, string account, Uri baseUri)
    {
        _check = check;
        Account = account;
        BaseUri = baseUri;
    }

    public bool Authenticated => _check.Authenticated;

    public string Account { get; }

    public Uri BaseUri { get; }

    public int StatusCode => _check.StatusCode;

    public TimeSpan Latency => _check.Latency;

    /// <summary>The API's own message when it refused the key pair.</summary>
    public string? Message => _check.Message;

    public override string ToString() => Authenticated ? "Authenticated" : "Not authenticated";
}
