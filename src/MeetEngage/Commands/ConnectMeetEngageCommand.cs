using System;
using System.Management.Automation;
using MeetEngage.Api;
using MeetEngage.Session;

namespace MeetEngage.Commands;

[Cmdlet(VerbsCommunications.Connect, "MeetEngage")]
[OutputType(typeof(MeetEngageSession))]
public sealed class ConnectMeetEngageCommand : MeetEngageCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateApiName]
    public string Account { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNull]
    public PSCredential Credential { get; set; } = null!;

    [Parameter]
    [ValidateNotNull]
    public Uri BaseUri { get; set; } = new(ApiAddress.DefaultBaseUri);

    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = ClientOptions.DefaultTimeoutSec;

    [Parameter]
    [ValidateRange(0, 20)]
    public int MaximumRetryCount { get; set; } = ClientOptions.DefaultMaximumRetryCount;

    [Parameter]
    [ValidateNotNull]
    public Uri? Proxy { get; set; }

    [Parameter]
    [ValidateNotNull]
    public PSCredential? ProxyCredential { get; set; }

    [Parameter]
    public SwitchParameter ProxyUseDefaultCredentials { get; set; }

    [Parameter]
    public SwitchParameter SkipValidation { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecordCore()
    {
        if (ProxyCredential is not null && ProxyUseDefaultCredentials)
        {
            throw new MeetEngageException(ErrorKind.InvalidArgument, "ProxyCredentialConflict", "Use either -ProxyCredential or -ProxyUseDefaultCredentials, not both.");
        }

        var client = ClientFactory.ForKeyPair(BaseUri, Credential, TimeoutSec, MaximumRetryCount, Proxy, ProxyCredential, ProxyUseDefaultCredentials);
        try
        {
            if (SkipValidation)
            {
                WriteVerbose("Not checking the key pair (-SkipValidation); the first request will.");
            }
            else
            {
                var check = client.TestAccess(new StreamObserver(this), CancelToken);
                if (!check.Authenticated)
                {
                    throw new MeetEngageException(
                        ErrorKind.Authentication,
                        "AuthenticationFailed",
                        "The API at " + client.Options.BaseUri + " did not accept the key pair for account '" + Account + "' (" + check.StatusCode + (check.Message is null ? string.Empty : ": " + check.Message) + "). Check the key (user name) and secret (password) of -Credential, and that the key has not been revoked. No session was stored.")
                    {
                        StatusCode = check.StatusCode,
                        RequestUri = client.Options.BaseUri,
                    };
                }

                WriteVerbose("The key pair was accepted by " + client.Options.BaseUri + " in " + (int)check.Latency.TotalMilliseconds + " ms.");
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var session = new MeetEngageSession(Account, client, DateTime.UtcNow) { HeldByUser = PassThru };
        var replaced = SessionStore.Current;
        SessionStore.Current = session;
        if (replaced is not null && !replaced.HeldByUser)
        {
            // Nothing else can reach it now: release its connections instead of leaving them to a collection.
            replaced.Dispose();
            WriteVerbose("Closed the session it replaces, for '" + replaced.Account + "'.");
        }

        if (PassThru)
        {
            WriteObject(session);
        }
    }

    internal override object? TargetFor(MeetEngageException exception) => Account;

    internal override bool IsTerminating(MeetEngageException exception) => true;
}
