using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace MeetEngage.Session;

/// <summary>
/// The current session of each runspace. Kept per runspace, not in a static field, so parallel
/// runspaces (ForEach-Object -Parallel, thread jobs, jobs sharing an Azure Automation sandbox)
/// never see or disconnect each other's sessions.
/// </summary>
internal static class SessionStore
{
    private static readonly ConditionalWeakTable<Runspace, Holder> Sessions = new();

    public static MeetEngageSession? Current
    {
        get => Runspace.DefaultRunspace is { } runspace && Sessions.TryGetValue(runspace, out var holder) ? holder.Session : null;
        set
        {
            if (Runspace.DefaultRunspace is { } runspace)
            {
                Sessions.GetValue(runspace, static _ => new Holder()).Session = value;
            }
        }
    }

    private sealed class Holder
    {
        public MeetEngageSession? Session { get; set; }
    }
}
