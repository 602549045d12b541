using System;
using System.Threading;

namespace MeetEngage.Json;

/// <summary>
/// Asks for a background full garbage collection now and then while PSObjects stream through.
/// </summary>
/// <remarks>
/// PowerShell keeps the properties of every PSCustomObject in a ConditionalWeakTable, so each row
/// holds a dependent GC handle. The handles of rows already gone are released only after the
/// table's discarded storage has been finalized, which takes full (generation 2) collections,
/// and a streaming pipeline that keeps nothing alive makes the runtime do those very rarely.
/// Meanwhile every young-generation collection scans all those handles (dotnet/runtime#44683),
/// so each one is slower than the last: over a million rows the median pause grew from 1 ms to
/// 12 ms, and <c>Get-MeetEngageData | Measure-Object</c> took 12 to 21 s, 5 to 12 s of it in
/// pauses. A background full collection every so many objects keeps the handle count, and so
/// the pauses, flat (under 1 ms): the same run took 7.5 to 10 s, 1.4 to 2.4 s in pauses.
/// Background collections run beside the pipeline, and the interval grows with the heap, so a
/// session holding a large heap is not made to mark it again and again.
/// </remarks>
internal static class FullCollectionPacer
{
    /// <summary>Objects between two requests at least (end to end, 20,000 beat 10,000, 30,000 and 50,000).</summary>
    internal const int MinimumInterval = 20_000;

    /// <summary>Heap bytes per object of interval: a heap under 40 MB keeps the minimum, 1 GB asks every 500,000.</summary>
    private const int HeapBytesPerObject = 2048;

    private static int s_count;
    private static int s_interval = MinimumInterval;
    private static int s_fullCollections = -1;

    public static void CountObject()
    {
        if (Interlocked.Increment(ref s_count) >= Volatile.Read(ref s_interval))
        {
            Request();
        }
    }

    private static void Request()
    {
        // One thread wins the reset; the others carry on counting from zero.
        var seen = Volatile.Read(ref s_count);
        if (seen < Volatile.Read(ref s_interval) || Interlocked.CompareExchange(ref s_count, 0, seen) != seen)
        {
            return;
        }

        var last = Volatile.Read(ref s_fullCollections);
        if (last < 0 || GC.CollectionCount(2) == last)
        {
            // No full collection since the last request: ask for one, in the background.
            GC.Collect(2, GCCollectionMode.Forced, blocking: false, compacting: false);
        }

        Volatile.Write(ref s_fullCollections, GC.CollectionCount(2));
        var interval = GC.GetTotalMemory(forceFullCollection: false) / HeapBytesPerObject;
        Volatile.Write(ref s_interval, (int)Math.Min(int.MaxValue, Math.Max(MinimumInterval, interval)));
    }
}
