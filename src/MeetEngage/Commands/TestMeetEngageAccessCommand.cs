using System;
using System.Management.Automation;
using MeetEngage.Api;
using MeetEngage.Session;

namespace MeetEngage.Commands;

[Cmdlet(VerbsDiagnostic.Test, "MeetEngageAccess", DefaultParameterSetName = SessionSet)]
[OutputType(typeof(bool))]
[OutputType(typeof(MeetEngageAccessResult))]
public sealed class TestMeetEngageAccessCommand : MeetEngageCmdlet
{
    private const string SessionSet = "Session";
    private const string KeyPairSet = "KeyPair";

    [Parameter(ParameterSetName = SessionSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public MeetEngageSession? Session { get; set; }

    [Parameter(ParameterSetName = KeyPairSet, Mandatory = true)]
    [ValidateApiName]
    public string Account { get; set; } = null!;

    [Parameter(ParameterSetName = KeyPairSet, Mandatory = true)]
    [ValidateNotNull]
    public PSCredential Credential { get; set; } = null!;

    [Parameter(ParameterSetName = KeyPairSet)]
    [ValidateNotNull]
    public Uri BaseUri { get; set; } = new(ApiAddress.DefaultBaseUri);

    [Parameter]
    public SwitchParameter Detailed { get; set; }

    protected override void ProcessRecordCore()
    {
        if (ParameterSetName == KeyPairSet)
        {
            using var client = ClientFactory.ForKeyPair(BaseUri, Credential, ClientOptions.DefaultTimeoutSec, ClientOptions.DefaultMaximumRetryCount, null, null, false);
            Report(client, Account);
            return;
        }

        var session = ResolveSession(Session);
        Report(session.Client, session.Account);
    }

    internal override object? TargetFor(MeetEngageException exception) =>
        ParameterSetName == KeyPairSet ? Account : (object?)Session ?? exception.RequestUri;

    private void Report(MeetEngageClient client, string account)
    {
        var check = client.TestAccess(new StreamObserver(this), CancelToken);
        WriteVerbose(client.Options.BaseUri + " answered " + check.StatusCode + " in " + (int)check.Latency.TotalMilliseconds + " ms.");
        if (Detailed)
        {
            WriteObject(new MeetEngageAccessResult(check, account, client.Options.BaseUri));
        }
        else
        {
            WriteObject(check.Authenticated);
        }
    }
}
