using System;
using System.Linq;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

public class LedgerFormatTests
{
    private static readonly long WindowTicks = TimeSpan.FromSeconds(5).Ticks;

    private static LedgerSlot[] SomeSlots() =>
        Enumerable.Range(0, 10).Select(i => new LedgerSlot(638_000_000_000_000_000L + (i * 1_000_000L), 1000 + i)).ToArray();

    [Fact]
    public void Slots_written_are_read_back_the_same()
    {
        var slots = SomeSlots();

        var bytes = LedgerFormat.Write(slots, WindowTicks);

        Assert.Equal(LedgerFormat.SizeFor(10), bytes.Length);
        Assert.Equal(LedgerFileState.Valid, LedgerFormat.Read(bytes, 10, WindowTicks, out var read));
        Assert.Equal(slots, read);
    }

    [Fact]
    public void The_bytes_are_little_endian_whatever_the_machine()
    {
        var bytes = LedgerFormat.Write([new LedgerSlot(0x0102030405060708, 0x0A0B0C0D)], WindowTicks);

        Assert.Equal("MELR"u8.ToArray(), bytes[..4]);
        Assert.Equal(new byte[] { 1, 0, 1, 0 }, bytes[4..8]);
        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1, 0x0D, 0x0C, 0x0B, 0x0A }, bytes[24..36]);
    }

    [Fact]
    public void An_empty_file_is_a_new_ledger_with_every_slot_free()
    {
        Assert.Equal(LedgerFileState.Empty, LedgerFormat.Read([], 10, WindowTicks, out var read));
        Assert.All(read, slot => Assert.Equal(default, slot));
    }

    public static TheoryData<string, byte[]> Damaged()
    {
        var good = LedgerFormat.Write(SomeSlots(), WindowTicks);
        byte[] Changed(int index, byte value)
        {
            var copy = (byte[])good.Clone();
            copy[index] = value;
            return copy;
        }

        return new TheoryData<string, byte[]>
        {
            { "truncated in the header", good[..10] },
            { "truncated in a slot", good[..(good.Length - 3)] },
            { "longer than a ledger", [.. good, 0] },
            { "another file's magic", Changed(0, (byte)'X') },
            { "an older version", Changed(4, 0) },
            { "another slot count", Changed(6, 9) },
            { "another window", Changed(8, 1) },
            { "a flipped bit in a slot", Changed(30, (byte)(good[30] ^ 0x10)) },
            { "text", "{\"not\": \"a ledger\"}"u8.ToArray() },
        };
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_damaged_or_foreign_file_is_corrupt(string what, byte[] bytes)
    {
        Assert.True(LedgerFormat.Read(bytes, 10, WindowTicks, out _) == LedgerFileState.Corrupt, what);
    }

    [Fact]
    public void A_negative_start_is_corrupt_even_with_a_matching_checksum()
    {
        var bytes = LedgerFormat.Write([new LedgerSlot(-5, 1)], WindowTicks);

        Assert.Equal(LedgerFileState.Corrupt, LedgerFormat.Read(bytes, 1, WindowTicks, out _));
    }

    [Fact]
    public void A_newer_version_is_left_alone_rather_than_called_corrupt()
    {
        var bytes = LedgerFormat.Write(SomeSlots(), WindowTicks);
        bytes[4] = 2;

        Assert.Equal(LedgerFileState.Newer, LedgerFormat.Read(bytes, 10, WindowTicks, out _));
    }
}
