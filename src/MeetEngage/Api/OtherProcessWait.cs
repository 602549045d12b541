using System;
using System.Globalization;
using System.Threading;
using MeetEngage.Throttling;

namespace MeetEngage.Api;

/// <summary>
/// After this process's own limiter: the reservations of the key's other processes on the
/// machine (<see cref="MachineBudget"/>), announced, counted and waited for cancellably.
/// </summary>
internal static class OtherProcessWait
{
    /// <param name="countedWait">Whether the in-process limiter already counted a throttle wait for this request.</param>
    public static MachineWait Wait(MachineBudget? budget, IClientObserver observer, RequestCounters counters, IClock clock, bool countedWait, CancellationToken cancellationToken)
    {
        if (budget is null)
        {
            return MachineWait.None;
        }

        var wait = budget.Reserve(clock, cancellationToken);
        if (wait.Notice is not null)
        {
            observer.Verbose(wait.Notice);
        }

        if (wait.Delay <= TimeSpan.Zero)
        {
            return wait;
        }

        if (wait.OtherProcessId is { } other)
        {
            counters.CountOtherProcessWait(countThrottleWait: !countedWait);
            observer.Verbose(string.Format(CultureInfo.InvariantCulture, "Waiting {0:0.00} s for the API key's rate limit: another process on this machine (PID {1}) is using the same key.", wait.Delay.TotalSeconds, other));
            observer.Waiting(wait.Delay, "rate limit (another process)");
        }
        else
        {
            // Our own reservations seen through the wall clock, or a rebuilt ledger (its notice said so).
            observer.Waiting(wait.Delay, "rate limit");
        }

        clock.Delay(wait.Delay, cancellationToken).ConfigureAwait(false).GetAwaiter().GetResult();
        return wait;
    }
}
