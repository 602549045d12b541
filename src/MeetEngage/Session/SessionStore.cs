using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace MeetEngage.Session;

/// <summary>
/// The current session of each runspace. The table is static, but it only maps each runspace to
/// its own session (weakly, so an entry goes when its runspace does): parallel runspaces
/// (ForEach-Object -Parallel, thread jobs, jobs sharing an Azure Automation sandbox) never see or
/// disconnect each other's sessions.
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

    /// <summary>Forgets and closes this runspace's current session: the module is being removed.</summary>
    public static void Release()
    {
        var session = Current;
        if (session is not null)
        {
            Current = null;
            session.Dispose();
        }
    }

    private sealed class Holder
    {
        public MeetEngageSession? Session { get; set; }
    }
}
