using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>
/// Decodes each distinct property name of a response once, keyed by its raw bytes, so a million
/// rows with the same fifteen names cost fifteen strings.
/// </summary>
internal sealed class PropertyNameTable
{
    private const int MaxEntries = 4096;

    private readonly Dictionary<int, List<(byte[] Raw, PropertyName Name)>> _byHash = new();
    private readonly Dictionary<string, int> _slots = new(StringComparer.OrdinalIgnoreCase);
    private int _count;

    /// <summary>The name at the reader; <paramref name="guess"/>, when its bytes match, skips the lookup.</summary>
    [MethodImpl(HotPath.Optimized)]
    public PropertyName Get(ref Utf8JsonReader reader, PropertyName? guess = null)
    {
        var raw = reader.ValueSpan;
        if (guess?.Raw is { } guessed && raw.SequenceEqual(guessed))
        {
            return guess;
        }

        var hash = Hash(raw);
        if (_byHash.TryGetValue(hash, out var bucket))
        {
            foreach (var entry in bucket)
            {
                if (raw.SequenceEqual(entry.Raw))
                {
                    return entry.Name;
                }
            }
        }

        var text = reader.GetString()!;

        // A hostile body could name every property differently: past a bound, stop caching
        // (slot -1 makes the object track such names itself) and keep working.
        var kept = RowPropertyNames.For(text);
        if (_count >= MaxEntries)
        {
            return new PropertyName(text, _slots.TryGetValue(kept, out var known) ? known : -1);
        }

        if (!_slots.TryGetValue(kept, out var slot))
        {
            slot = _slots.Count;
            _slots.Add(kept, slot);
        }

        var bytes = raw.ToArray();
        var name = new PropertyName(text, slot, bytes);
        if (bucket is null)
        {
            bucket = new List<(byte[], PropertyName)>(1);
            _byHash.Add(hash, bucket);
        }

        bucket.Add((bytes, name));
        _count++;
        return name;
    }

    private static int Hash(ReadOnlySpan<byte> raw)
    {
        // FNV-1a: fast, and good enough for the handful of names a response has.
        var hash = 2166136261u;
        foreach (var b in raw)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)hash;
    }
}
