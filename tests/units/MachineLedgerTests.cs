using System;
using System.IO;
using System.Linq;
using System.Threading;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

public sealed class MachineLedgerTests : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Guard = TimeSpan.FromMilliseconds(150);
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly string _folder = Directory.CreateTempSubdirectory("meetengage-ledger-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string LedgerPath => Path.Combine(_folder, "ratelimit-test.ledger");

    private MachineLedger NewLedger(TimeSpan? lockTimeout = null, TimeSpan? window = null) =>
        new(LedgerPath, 10, window ?? Window, Guard, lockTimeout ?? TimeSpan.FromMilliseconds(500));

    [Fact]
    public void Ten_processes_start_at_once_and_the_eleventh_reservation_waits_for_the_first_plus_window_and_guard()
    {
        var ledger = NewLedger();

        for (var i = 0; i < 10; i++)
        {
            var reservation = ledger.Reserve(T0.AddMilliseconds(i), 100 + i, CancellationToken.None);
            Assert.Equal(LedgerOutcome.Reserved, reservation.Outcome);
            Assert.Equal(T0.AddMilliseconds(i).Ticks, reservation.StartUtcTicks);
            Assert.Null(reservation.OtherProcessId);
        }

        var eleventh = ledger.Reserve(T0.AddSeconds(1), 200, CancellationToken.None);

        Assert.Equal((T0 + Window + Guard).Ticks, eleventh.StartUtcTicks);
        Assert.NotNull(eleventh.OtherProcessId);
        Assert.NotEqual(200, eleventh.OtherProcessId);
        Assert.Equal(LedgerFormat.SizeFor(10), new FileInfo(LedgerPath).Length);
    }

    [Fact]
    public void A_wait_made_by_our_own_reservations_names_no_other_process()
    {
        var ledger = NewLedger();
        for (var i = 0; i < 10; i++)
        {
            ledger.Reserve(T0, 7, CancellationToken.None);
        }

        var next = ledger.Reserve(T0, 7, CancellationToken.None);

        Assert.True(next.StartUtcTicks > T0.Ticks);
        Assert.Null(next.OtherProcessId);
    }

    [Fact]
    public void No_rolling_window_ever_holds_more_than_ten_starts_and_a_saturated_ledger_keeps_close_to_the_rate()
    {
        var ledger = NewLedger();
        var starts = Enumerable.Range(0, 200)
            .Select(i => ledger.Reserve(T0.AddMilliseconds(i), 1 + (i % 3), CancellationToken.None).StartUtcTicks)
            .OrderBy(t => t)
            .ToArray();

        for (var i = 10; i < starts.Length; i++)
        {
            Assert.True(starts[i] - starts[i - 10] >= (Window + Guard).Ticks, "more than 10 starts within one window at " + i);
        }

        // 200 starts need 19 windows after the first burst: window + guard each, 97 % of the rate.
        var span = TimeSpan.FromTicks(starts[^1] - starts[0]);
        Assert.Equal((19 * (Window + Guard)) + TimeSpan.FromMilliseconds(9), span);
    }

    [Fact]
    public void Reservations_expire_with_the_window_whoever_made_them()
    {
        var ledger = NewLedger();
        for (var i = 0; i < 10; i++)
        {
            ledger.Reserve(T0, 999_999, CancellationToken.None); // a process that has since died
        }

        var later = T0 + Window + Guard;
        var reservation = ledger.Reserve(later, 1, CancellationToken.None);

        Assert.Equal(later.Ticks, reservation.StartUtcTicks);
        Assert.Null(reservation.OtherProcessId);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x4D, 0x45, 0x4C, 0x52, 1, 0, 10, 0 })]
    public void A_corrupt_file_is_rebuilt_as_a_full_window_and_then_serves(byte[] garbage)
    {
        File.WriteAllBytes(LedgerPath, garbage);
        var ledger = NewLedger();

        var first = ledger.Reserve(T0, 1, CancellationToken.None);
        var second = ledger.Reserve(T0, 1, CancellationToken.None);

        Assert.Equal(LedgerOutcome.Rebuilt, first.Outcome);
        Assert.Equal((T0 + Window + Guard).Ticks, first.StartUtcTicks);
        Assert.Equal(LedgerOutcome.Reserved, second.Outcome);
        Assert.Equal(LedgerFileState.Valid, LedgerFormat.Read(File.ReadAllBytes(LedgerPath), 10, Window.Ticks, out _));
    }

    [Fact]
    public void A_slot_far_in_the_future_means_the_clock_went_back_and_is_not_waited_for()
    {
        var ledger = NewLedger();
        ledger.Reserve(T0.AddHours(3), 1, CancellationToken.None);

        var reservation = ledger.Reserve(T0, 2, CancellationToken.None);

        Assert.Equal(LedgerOutcome.Rebuilt, reservation.Outcome);
        Assert.Equal((T0 + Window + Guard).Ticks, reservation.StartUtcTicks);
    }

    [Fact]
    public void A_newer_format_is_refused_and_left_as_it_was()
    {
        var newer = LedgerFormat.Write(new LedgerSlot[10], Window.Ticks);
        newer[4] = 9;
        File.WriteAllBytes(LedgerPath, newer);

        var reservation = NewLedger().Reserve(T0, 1, CancellationToken.None);

        Assert.Equal(LedgerOutcome.Refused, reservation.Outcome);
        Assert.Equal(newer, File.ReadAllBytes(LedgerPath));
    }

    [Fact]
    public void A_lock_held_by_someone_else_is_waited_for_only_as_long_as_the_bound()
    {
        var ledger = NewLedger(TimeSpan.FromMilliseconds(200));
        ledger.Reserve(T0, 1, CancellationToken.None);

        using (new FileStream(LedgerPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.Equal(LedgerOutcome.Busy, ledger.Reserve(T0, 1, CancellationToken.None).Outcome);
        }

        Assert.Equal(LedgerOutcome.Reserved, ledger.Reserve(T0, 1, CancellationToken.None).Outcome);
    }

    [Fact]
    public void A_lock_released_while_waiting_for_it_lets_the_reservation_through()
    {
        var ledger = NewLedger(TimeSpan.FromSeconds(30));
        ledger.Reserve(T0, 1, CancellationToken.None);
        var holder = new FileStream(LedgerPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        using var release = new Timer(_ => holder.Dispose(), null, 100, Timeout.Infinite);

        var reservation = ledger.Reserve(T0, 2, CancellationToken.None);

        Assert.Equal(LedgerOutcome.Reserved, reservation.Outcome);
    }

    [Fact]
    public void Waiting_for_the_lock_stops_when_cancelled()
    {
        var ledger = NewLedger(TimeSpan.FromSeconds(30));
        ledger.Reserve(T0, 1, CancellationToken.None);
        using var holder = new FileStream(LedgerPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        using var cancel = new CancellationTokenSource(100);

        Assert.Throws<OperationCanceledException>(() => ledger.Reserve(T0, 2, cancel.Token));
    }

    [Fact]
    public void Threads_reserving_at_once_never_lose_a_reservation()
    {
        var ledgers = Enumerable.Range(0, 4).Select(_ => NewLedger(TimeSpan.FromSeconds(10), window: TimeSpan.FromMilliseconds(100))).ToArray();
        var starts = new System.Collections.Concurrent.ConcurrentBag<long>();

        System.Threading.Tasks.Parallel.For(0, 1000, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            starts.Add(ledgers[i % 4].Reserve(T0, i % 4, CancellationToken.None).StartUtcTicks));

        // 1000 reservations made at T0 by separate openers: exactly 10 per window, none overwritten.
        var byWindow = starts.GroupBy(t => t).Select(g => g.Count()).ToArray();
        Assert.Equal(100, byWindow.Length);
        Assert.All(byWindow, count => Assert.Equal(10, count));
    }

    [Fact]
    public void A_link_in_place_of_the_file_is_refused_and_its_target_left_untouched()
    {
        var target = Path.Combine(_folder, "elsewhere.txt");
        File.WriteAllText(target, "not yours");
        File.CreateSymbolicLink(LedgerPath, target);

        var reservation = NewLedger().Reserve(T0, 1, CancellationToken.None);

        Assert.Equal(LedgerOutcome.Refused, reservation.Outcome);
        Assert.Equal("not yours", File.ReadAllText(target));
    }

    [Fact]
    public void A_request_that_reached_the_server_late_moves_its_slot_later_never_earlier()
    {
        var ledger = NewLedger();
        var reserved = ledger.Reserve(T0, 5, CancellationToken.None).StartUtcTicks;

        ledger.Restamp(reserved, 5, T0.AddSeconds(-1));
        Assert.Contains(new LedgerSlot(T0.Ticks, 5), ReadSlots());

        ledger.Restamp(reserved, 5, T0.AddMilliseconds(400));
        Assert.Contains(new LedgerSlot(T0.AddMilliseconds(400).Ticks, 5), ReadSlots());

        // Never more than a second past when it was due: a slow server's thinking is not a late start.
        var second = ledger.Reserve(T0.AddSeconds(10), 5, CancellationToken.None).StartUtcTicks;
        ledger.Restamp(second, 5, T0.AddSeconds(30));
        Assert.Contains(new LedgerSlot(T0.AddSeconds(11).Ticks, 5), ReadSlots());

        // Another process's slot of the same time is not ours to move.
        ledger.Restamp(T0.AddSeconds(11).Ticks, 6, T0.AddSeconds(11.5));
        Assert.Contains(new LedgerSlot(T0.AddSeconds(11).Ticks, 5), ReadSlots());
    }

    private LedgerSlot[] ReadSlots()
    {
        Assert.Equal(LedgerFileState.Valid, LedgerFormat.Read(File.ReadAllBytes(LedgerPath), 10, Window.Ticks, out var slots));
        return slots;
    }
}
