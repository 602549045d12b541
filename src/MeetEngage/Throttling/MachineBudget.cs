using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace MeetEngage.Throttling;

/// <summary>What the machine-wide budget asks of one request.</summary>
/// <param name="Delay">How much longer to wait, after the in-process limiter, before starting.</param>
/// <param name="OtherProcessId">When the wait is caused by another process: its id.</param>
/// <param name="Notice">A line for -Verbose when the ledger could not be used as intended.</param>
/// <param name="ReservedStartUtcTicks">The reservation made in the ledger; 0 when none was.</param>
internal sealed record MachineWait(TimeSpan Delay, int? OtherProcessId, string? Notice, long ReservedStartUtcTicks = 0)
{
    public static readonly MachineWait None = new(TimeSpan.Zero, null, null);
}

/// <summary>
/// One key's budget across every process of the user on this machine, kept in a
/// <see cref="MachineLedger"/>. It reserves and never waits itself: the caller announces the wait
/// and sleeps cancellably. Nothing runs while no request is made (no timer, no open handle).
/// </summary>
internal sealed class MachineBudget
{
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMilliseconds(500);

    private static readonly int CurrentProcessId = GetCurrentProcessId();

    private readonly object _gate = new();
    private readonly string _fileName;
    private readonly Func<LedgerFolder> _prepareFolder;
    private readonly int _processId;
    private MachineLedger? _ledger;
    private bool _off;

    public MachineBudget(string fileName, Func<LedgerFolder> prepareFolder, int? processId = null)
    {
        _fileName = fileName;
        _prepareFolder = prepareFolder;
        _processId = processId ?? CurrentProcessId;
    }

    /// <summary>The ledger's file once it is in use; null before the first request or when off.</summary>
    public string? LedgerPath => _ledger?.Path;

    public MachineWait Reserve(IClock clock, CancellationToken cancellationToken)
    {
        // One thread of this process at a time: the others wait here rather than spin on the file lock.
        lock (_gate)
        {
            if (_off)
            {
                return MachineWait.None;
            }

            if (_ledger is null)
            {
                var folder = _prepareFolder();
                if (folder.Path is null)
                {
                    return TurnOff(folder.Problem ?? "no folder");
                }

                _ledger = new MachineLedger(Path.Combine(folder.Path, _fileName), KeyRateLimiters.CallsPerWindow, KeyRateLimiters.Window, KeyRateLimiters.Guard, LockTimeout);
            }

            var now = clock.UtcNow.UtcDateTime;
            LedgerReservation reservation;
            try
            {
                reservation = _ledger.Reserve(now, _processId, cancellationToken);
            }
            catch (UnauthorizedAccessException problem)
            {
                // Not ours to write (a file left by another account, say): it will not become ours.
                return TurnOff(problem.Message);
            }
            catch (IOException problem)
            {
                return new MachineWait(TimeSpan.Zero, null, "The machine-wide rate-limit ledger could not be used for this request (" + problem.Message + "); it keeps to this process's own limit.");
            }

            switch (reservation.Outcome)
            {
                case LedgerOutcome.Refused:
                    return TurnOff(reservation.Problem!);
                case LedgerOutcome.Busy:
                    return new MachineWait(TimeSpan.Zero, null, "The machine-wide rate-limit ledger was busy (" + reservation.Problem + "); this request keeps to this process's own limit.");
                default:
                    var delay = TimeSpan.FromTicks(Math.Max(0, reservation.StartUtcTicks - now.Ticks));
                    var notice = reservation.Outcome == LedgerOutcome.Rebuilt
                        ? "The machine-wide rate-limit ledger " + reservation.Problem + ", counting the key's last window as full."
                        : null;
                    return new MachineWait(delay, delay > TimeSpan.Zero ? reservation.OtherProcessId : null, notice, reservation.StartUtcTicks);
            }
        }
    }

    /// <summary>The server has answered the request of <paramref name="wait"/>: see <see cref="MachineLedger.Restamp"/>.</summary>
    public void Sent(MachineWait wait, IClock clock)
    {
        if (wait.ReservedStartUtcTicks == 0)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _ledger?.Restamp(wait.ReservedStartUtcTicks, _processId, clock.UtcNow.UtcDateTime);
            }
            catch (Exception problem) when (problem is IOException or UnauthorizedAccessException)
            {
                // The reservation stands as it was: the guard still covers most of the difference.
            }
        }
    }

    private static int GetCurrentProcessId()
    {
        using var process = Process.GetCurrentProcess();
        return process.Id;
    }

    private MachineWait TurnOff(string problem)
    {
        _off = true;
        return new MachineWait(TimeSpan.Zero, null, "The API key's rate limit is kept for this process only, not machine-wide: " + problem + ".");
    }
}

/// <summary>The machine-wide budgets of this process, one per key and server, like <see cref="KeyRateLimiters"/>.</summary>
internal static class MachineBudgets
{
    private static readonly ConcurrentDictionary<string, MachineBudget> Budgets = new(StringComparer.Ordinal);

    public static MachineBudget For(string budgetName) =>
        Budgets.GetOrAdd(budgetName, static name => new MachineBudget(ApiKeyBudget.LedgerFileName(name), static () => LedgerFolder.Prepare()));
}
