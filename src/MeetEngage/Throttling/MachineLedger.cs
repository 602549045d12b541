using System;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace MeetEngage.Throttling;

/// <summary>How a reservation in the ledger went.</summary>
internal enum LedgerOutcome
{
    /// <summary>A slot was reserved.</summary>
    Reserved,

    /// <summary>The file was damaged or foreign: it was rebuilt as if the window were full, then a slot reserved.</summary>
    Rebuilt,

    /// <summary>Another process held the file's lock past the bound: nothing reserved this time.</summary>
    Busy,

    /// <summary>The file must not be used (a link, a newer format): nothing reserved.</summary>
    Refused,
}

/// <summary>A reservation: when the request may start, and who else is using the key.</summary>
/// <param name="OtherProcessId">When the wait is caused by another process: one that used the budget in the window.</param>
internal readonly record struct LedgerReservation(LedgerOutcome Outcome, long StartUtcTicks, int? OtherProcessId, string? Problem);

/// <summary>
/// One key's ledger file, shared by every process of the user on this machine: a ring of the
/// last <c>limit</c> reserved start times. A reservation is a read-modify-write of a few hundred
/// bytes under an exclusive OS lock (a share lock on Windows, <c>flock</c> on Linux and macOS),
/// held for microseconds and never while waiting; the OS drops it when a process dies.
/// </summary>
/// <remarks>
/// The rule is the in-process limiter's: the new reservation replaces the earliest one and starts
/// no sooner than <c>window + guard</c> after it. Replacing the earliest (not the next in turn)
/// keeps that true even when processes' clocks disagree by a little. A reservation whose process
/// dies simply expires with the window.
/// </remarks>
internal sealed class MachineLedger
{
    /// <summary>No honest queue is this far ahead: such a slot means the wall clock went back.</summary>
    public static readonly TimeSpan MaximumLead = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How much later than due a request's slot may be moved once answered: enough for a slow start,
    /// not a slow server's time to think (that would only waste the budget).
    /// </summary>
    public static readonly TimeSpan LatestRestamp = TimeSpan.FromSeconds(1);

    /// <summary>A ledger nobody has written for this long holds nothing: its file may go.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromDays(7);

    private readonly int _limit;
    private readonly long _windowTicks;
    private readonly long _spacingTicks;
    private readonly TimeSpan _lockTimeout;

    public MachineLedger(string path, int limit, TimeSpan window, TimeSpan guard, TimeSpan lockTimeout)
    {
        Path = path;
        _limit = limit;
        _windowTicks = window.Ticks;
        _spacingTicks = window.Ticks + guard.Ticks;
        _lockTimeout = lockTimeout;
    }

    public string Path { get; }

    /// <summary>Reserves the earliest start the shared window allows, for <paramref name="processId"/>.</summary>
    /// <exception cref="IOException">The file could not be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be opened.</exception>
    public LedgerReservation Reserve(DateTime utcNow, int processId, CancellationToken cancellationToken)
    {
        if (LedgerFolder.IsLink(Path))
        {
            return new LedgerReservation(LedgerOutcome.Refused, 0, null, Path + " is a link, not a ledger of this user's own");
        }

        using var file = OpenLocked(cancellationToken);
        if (file is null)
        {
            return new LedgerReservation(LedgerOutcome.Busy, 0, null, string.Format(System.Globalization.CultureInfo.InvariantCulture, "could not lock {0} within {1:0.0} s (another process held it, or it cannot be written)", Path, _lockTimeout.TotalSeconds));
        }

        var created = file.Length == 0;
        var size = LedgerFormat.SizeFor(_limit);
        var bytes = ReadUpTo(file, size + 1);
        var state = LedgerFormat.Read(bytes, _limit, _windowTicks, out var slots);
        if (state == LedgerFileState.Newer)
        {
            return new LedgerReservation(LedgerOutcome.Refused, 0, null, Path + " was written by a newer version of MeetEngage");
        }

        var now = utcNow.Ticks;
        var rebuilt = state == LedgerFileState.Corrupt || Array.Exists(slots, slot => slot.StartUtcTicks > now + MaximumLead.Ticks);
        if (rebuilt)
        {
            // When in doubt, the window was full: one window's wait, never a breach of the key's limit.
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = new LedgerSlot(now, 0);
            }
        }

        var earliest = 0;
        for (var i = 1; i < slots.Length; i++)
        {
            if (slots[i].StartUtcTicks < slots[earliest].StartUtcTicks)
            {
                earliest = i;
            }
        }

        var start = Math.Max(now, slots[earliest].StartUtcTicks + _spacingTicks);
        int? other = null;
        if (start > now)
        {
            // Every slot is then inside the window that makes us wait: anyone else's is a cause.
            foreach (var slot in slots)
            {
                // 0: a slot of a rebuilt ledger, nobody's (the rebuild is announced on its own).
                if (slot.ProcessId != processId && slot.ProcessId != 0)
                {
                    other = slot.ProcessId;
                    break;
                }
            }
        }

        slots[earliest] = new LedgerSlot(start, processId);
        var written = LedgerFormat.Write(slots, _windowTicks);
        file.Position = 0;
        file.Write(written, 0, written.Length);
        if (bytes.Length > written.Length)
        {
            file.SetLength(written.Length);
        }

        file.Flush();
        if (created)
        {
            RestrictAndPrune();
        }

        return new LedgerReservation(rebuilt ? LedgerOutcome.Rebuilt : LedgerOutcome.Reserved, start, other, rebuilt ? Path + " was damaged or foreign and has been rebuilt" : null);
    }

    /// <summary>
    /// Moves our reservation from when it was due to <paramref name="utcNow"/> (at most
    /// <see cref="LatestRestamp"/> later), once the server has answered: the server counts a request
    /// when it arrives, which may be later than it was due (the first request of a cold process on a
    /// loaded machine takes a while to leave), and the next window is measured from there. Later only,
    /// never earlier; nothing when the slot has gone or the lock cannot be had.
    /// </summary>
    public void Restamp(long reservedStartTicks, int processId, DateTime utcNow)
    {
        var stamp = Math.Min(utcNow.Ticks, reservedStartTicks + LatestRestamp.Ticks);
        if (stamp <= reservedStartTicks || LedgerFolder.IsLink(Path))
        {
            return;
        }

        using var file = OpenLocked(CancellationToken.None);
        if (file is null)
        {
            return;
        }

        var bytes = ReadUpTo(file, LedgerFormat.SizeFor(_limit) + 1);
        if (LedgerFormat.Read(bytes, _limit, _windowTicks, out var slots) != LedgerFileState.Valid)
        {
            return;
        }

        var index = Array.IndexOf(slots, new LedgerSlot(reservedStartTicks, processId));
        if (index < 0)
        {
            return;
        }

        slots[index] = new LedgerSlot(stamp, processId);
        var written = LedgerFormat.Write(slots, _windowTicks);
        file.Position = 0;
        file.Write(written, 0, written.Length);
        file.Flush();
    }

    private static byte[] ReadUpTo(FileStream file, int count)
    {
        var buffer = new byte[count];
        var read = 0;
        int last;
        while (read < count && (last = file.Read(buffer, read, count - read)) > 0)
        {
            read += last;
        }

        Array.Resize(ref buffer, read);
        return buffer;
    }

    // The lock is tried, never waited on inside the OS, so that a wait stays bounded and cancellable.
    private FileStream? OpenLocked(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
            }
            catch (IOException) when (clock.Elapsed < _lockTimeout && File.Exists(Path))
            {
                // A sharing violation (Windows) or EWOULDBLOCK from flock (Unix): someone is mid-update.
                cancellationToken.ThrowIfCancellationRequested();
                Thread.Sleep(1);
            }
            catch (IOException) when (File.Exists(Path))
            {
                return null;
            }
        }
    }

    // Best effort, once per new ledger file: owner-only like its folder, and the files of keys or
    // servers not used for a week removed, so that the folder does not grow without bound.
    private void RestrictAndPrune()
    {
        try
        {
            if (UnixPermissions.Available && !System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
            {
                UnixPermissions.SetPermissions(Path, UnixPermissions.OwnerReadWrite);
            }

            var folder = System.IO.Path.GetDirectoryName(Path);
            if (folder is null)
            {
                return;
            }

            foreach (var other in new DirectoryInfo(folder).EnumerateFiles(ApiKeyBudget.LedgerFilePattern))
            {
                if ((other.Attributes & FileAttributes.ReparsePoint) == 0 && DateTime.UtcNow - other.LastWriteTimeUtc > StaleAfter)
                {
                    other.Delete();
                }
            }
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // Tidying is not worth a failure: the ledger itself is written.
        }
    }
}
