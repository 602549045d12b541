using System;
using System.Buffers.Binary;

namespace MeetEngage.Throttling;

/// <summary>One reservation in the machine-wide ledger: when a request may start, and who took it.</summary>
internal readonly record struct LedgerSlot(long StartUtcTicks, int ProcessId);

/// <summary>What reading a ledger file found.</summary>
internal enum LedgerFileState
{
    /// <summary>A valid ledger of this version; its slots are usable.</summary>
    Valid,

    /// <summary>No bytes yet (just created): every slot is free.</summary>
    Empty,

    /// <summary>Not a ledger we can trust (truncated, foreign, damaged): rebuild it.</summary>
    Corrupt,

    /// <summary>A ledger of a newer format: leave it to the module that wrote it.</summary>
    Newer,
}

/// <summary>
/// The bytes of a ledger file: the same on Windows, Linux and macOS (explicitly little-endian),
/// fixed in size so that the file never grows.
/// </summary>
/// <remarks>
/// Layout of version 1: magic "MELR" (4 bytes), version (uint16), slot count (uint16), window in
/// ticks (int64), FNV-1a checksum of every other byte (uint32), 4 reserved bytes; then per slot the
/// start in UTC ticks (int64), the process id that reserved it (int32) and 4 reserved bytes.
/// A later format that needs more must raise the version, so that this one leaves it alone.
/// </remarks>
internal static class LedgerFormat
{
    public const ushort Version = 1;
    public const int HeaderSize = 24;
    public const int SlotSize = 16;

    private const uint Magic = 0x524C454D; // "MELR" read as little-endian
    private const int ChecksumOffset = 16;

    public static int SizeFor(int slots) => HeaderSize + (slots * SlotSize);

    public static byte[] Write(LedgerSlot[] slots, long windowTicks)
    {
        var bytes = new byte[SizeFor(slots.Length)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(4), Version);
        BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(6), checked((ushort)slots.Length));
        BinaryPrimitives.WriteInt64LittleEndian(span.Slice(8), windowTicks);
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = span.Slice(HeaderSize + (i * SlotSize));
            BinaryPrimitives.WriteInt64LittleEndian(slot, slots[i].StartUtcTicks);
            BinaryPrimitives.WriteInt32LittleEndian(slot.Slice(8), slots[i].ProcessId);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(ChecksumOffset), Checksum(span));
        return bytes;
    }

    /// <summary>
    /// Reads <paramref name="bytes"/> as a ledger of <paramref name="slots"/> slots over a window of
    /// <paramref name="windowTicks"/>; anything else (another size, window or checksum) is corrupt.
    /// </summary>
    public static LedgerFileState Read(ReadOnlySpan<byte> bytes, int slots, long windowTicks, out LedgerSlot[] read)
    {
        read = new LedgerSlot[slots];
        if (bytes.Length == 0)
        {
            return LedgerFileState.Empty;
        }

        if (bytes.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic)
        {
            return LedgerFileState.Corrupt;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(4));
        if (version > Version)
        {
            return LedgerFileState.Newer;
        }

        if (version != Version ||
            bytes.Length != SizeFor(slots) ||
            BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(6)) != slots ||
            BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(8)) != windowTicks ||
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(ChecksumOffset)) != Checksum(bytes))
        {
            return LedgerFileState.Corrupt;
        }

        for (var i = 0; i < slots; i++)
        {
            var slot = bytes.Slice(HeaderSize + (i * SlotSize));
            var ticks = BinaryPrimitives.ReadInt64LittleEndian(slot);
            if (ticks < 0 || ticks > DateTime.MaxValue.Ticks)
            {
                return LedgerFileState.Corrupt;
            }

            read[i] = new LedgerSlot(ticks, BinaryPrimitives.ReadInt32LittleEndian(slot.Slice(8)));
        }

        return LedgerFileState.Valid;
    }

    // FNV-1a over every byte but the checksum's own four: enough to tell a damaged or foreign
    // file from ours, which is all it is for (nobody but the user can write the folder).
    private static uint Checksum(ReadOnlySpan<byte> bytes)
    {
        var hash = 2166136261u;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i >= ChecksumOffset && i < ChecksumOffset + 4)
            {
                continue;
            }

            hash = unchecked((hash ^ bytes[i]) * 16777619u);
        }

        return hash;
    }
}
