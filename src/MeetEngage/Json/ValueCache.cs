using System.Runtime.CompilerServices;
using System;
using System.Runtime.InteropServices;

namespace MeetEngage.Json;

/// <summary>
/// Remembers the values of short JSON tokens by their raw bytes, so that the values a response
/// repeats row after row ("Mobile", "GB", true-ish codes, small numbers, prices) are decoded and
/// allocated once instead of once per row: fewer allocations, fewer and shorter collections of
/// the host's heap while a large response streams through.
/// </summary>
/// <remarks>
/// Direct-mapped and bounded: a miss costs a hash and a compare, a value seen once is simply
/// overwritten later, and the memory stays fixed whatever the body holds. The key is the token's
/// exact raw bytes (escapes included), so a hit returns what decoding those bytes returned before,
/// including UTF-8 validation, which a byte sequence only reaches the cache by passing.
/// Values are strings and boxed numbers, which nothing modifies, so rows may share them.
/// </remarks>
internal sealed class ValueCache
{
    /// <summary>Tokens longer than this are decoded every time (they are rarely repeated).</summary>
    public const int MaxRawBytes = 32;

    public const int StringKind = 1;
    public const int NumberKind = 2;

    /// <summary>A number kept as its JSON text (<see cref="JsonNumberText"/>).</summary>
    public const int NumberTextKind = 3;

    private const int SlotBits = 10;

    private readonly Entry[] _entries = new Entry[1 << SlotBits];

    /// <summary>Looks the token up; on a miss, <paramref name="key"/> says where <see cref="Set"/> stores it.</summary>
    [MethodImpl(HotPath.Optimized)]
    public bool TryGet(ReadOnlySpan<byte> raw, int kind, out object? value, out Key key)
    {
        // The bytes as four words, zero-padded: compared whole, no per-byte loop.
        Span<byte> packed = stackalloc byte[MaxRawBytes];
        raw.CopyTo(packed);
        var a = MemoryMarshal.Read<ulong>(packed);
        var b = MemoryMarshal.Read<ulong>(packed.Slice(8));
        var c = MemoryMarshal.Read<ulong>(packed.Slice(16));
        var d = MemoryMarshal.Read<ulong>(packed.Slice(24));
        var tag = raw.Length | (kind << 8);
        var hash = (a ^ (b * 0xC2B2AE3D27D4EB4FUL) ^ (c * 0x165667B19E3779F9UL) ^ (d * 0x27D4EB2F165667C5UL) ^ (ulong)tag) * 0x9E3779B97F4A7C15UL;
        var slot = (int)(hash >> (64 - SlotBits));
        key = new Key(a, b, c, d, tag, slot);

        ref var entry = ref _entries[slot];
        if (entry.Tag == tag && entry.A == a && entry.B == b && entry.C == c && entry.D == d)
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    [MethodImpl(HotPath.Optimized)]
    public void Set(in Key key, object? value)
    {
        ref var entry = ref _entries[key.Slot];
        entry.A = key.A;
        entry.B = key.B;
        entry.C = key.C;
        entry.D = key.D;
        entry.Tag = key.Tag;
        entry.Value = value;
    }

    internal readonly struct Key
    {
        public Key(ulong a, ulong b, ulong c, ulong d, int tag, int slot)
        {
            A = a;
            B = b;
            C = c;
            D = d;
            Tag = tag;
            Slot = slot;
        }

        public ulong A { get; }

        public ulong B { get; }

        public ulong C { get; }

        public ulong D { get; }

        public int Tag { get; }

        public int Slot { get; }
    }

    private struct Entry
    {
        public ulong A;
        public ulong B;
        public ulong C;
        public ulong D;

        // Length and kind; 0 marks an empty slot (no token has kind 0).
        public int Tag;
        public object? Value;
    }
}
