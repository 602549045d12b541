using System.Management.Automation;
using MeetEngage.Session;

namespace MeetEngage.Commands;

[Cmdlet(VerbsCommunications.Disconnect, "MeetEngage")]
[OutputType(typeof(void))]
public sealed class DisconnectMeetEngageCommand : MeetEngageCmdlet
{
    [Parameter(ValueFromPipeline = true)]
    [ValidateNotNull]
    public MeetEngageSession? Session { get; set; }

    protected override void ProcessRecordCore()
    {
        var current = SessionStore.Current;
        var session = Session ?? current;
        if (session is null)
        {
            WriteVerbose("There is no current MeetEngage session in this runspace; nothing to disconnect.");
            return;
        }

        if (ReferenceEquals(session, current))
        {
            SessionStore.Current = null;
        }

        session.Dispose();
        WriteVerbose("Disconnected the MeetEngage session for '" + session.Account + "'.");
    }
}
