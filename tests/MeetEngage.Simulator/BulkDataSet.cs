using System;
using System.Globalization;
using System.Threading.Tasks;

namespace MeetEngage.Simulator;

/// <summary>
/// <c>bulk_N</c>: N flat rows of about 280 bytes, generated on the fly for throughput tests; the date filter is
/// ignored. Speed matters more than anything here: the constant parts of a row are precomputed UTF-8 segments,
/// the few varying numbers are formatted in place, and rows are written straight into Kestrel's pipe
/// buffers, so producing a row allocates nothing.
/// </summary>
internal sealed class BulkDataSet(long count) : IDataSet
{
    public const long MaxCount = 50_000_000;

    private const string Prefix = "bulk_";

    // Comfortably above the longest row (an 8-digit row number gives under 300 bytes).
    private const int MaxRowBytes = 512;

    /// <summary>Returns the set for a name like <c>bulk_1000000</c> (N from 0 to 50,000,000), or null.</summary>
    public static BulkDataSet? TryCreate(string method)
    {
        if (!method.StartsWith(Prefix, StringComparison.Ordinal)
            || !long.TryParse(method.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            || n > MaxCount)
        {
            return null;
        }

        return new BulkDataSet(n);
    }

    public async ValueTask WriteRowsAsync(JsonSink sink, DateRange range, long maxRows)
    {
        long end = Math.Min(count, maxRows);
        long next = 0;
        while (next < end)
        {
            Memory<byte> memory = sink.GetMemory(MaxRowBytes);
            long first = next;
            int written = Fill(memory.Span, first, end, out next);
            sink.Advance(written, next - first);
            await sink.FlushIfNeededAsync();
        }
    }

    // Fills whole rows (with their separating commas) while at least one more surely fits.
    private static int Fill(Span<byte> destination, long first, long end, out long next)
    {
        int position = 0;
        long i = first;
        while (i < end && destination.Length - position >= MaxRowBytes)
        {
            if (i > 0)
            {
                destination[position++] = (byte)',';
            }

            position += WriteRow(destination[position..], i);
            i++;
        }

        next = i;
        return position;
    }

    private static int WriteRow(Span<byte> d, long i)
    {
        int p = Put(d, 0, """{"RowId":"""u8);
        p += Number(d[p..], i);
        p = Put(d, p, ""","EventId":"""u8);
        p += Number(d[p..], 20_000 + (i % 1000));
        p = Put(d, p, (i % 3) switch
        {
            0 => ""","EventName":"Insight Day","EventType":"Chat","Device":"Mobile","EmailAddress":"user"""u8,
            1 => ""","EventName":"Insight Day","EventType":"Chat","Device":"Tablet","EmailAddress":"user"""u8,
            _ => ""","EventName":"Insight Day","EventType":"Chat","Device":"Desktop","EmailAddress":"user"""u8,
        });
        p += Number(d[p..], i);
        p = Put(d, p, """@example.com","FirstName":"Alex","LastName":"Lee","Country":"GB","Source":"Web","Course":"Law","Status":"Live","Registered":"""u8);
        p = Put(d, p, i % 4 == 3 ? "false"u8 : "true"u8);
        p = Put(d, p, ""","Sessions":"""u8);
        d[p++] = (byte)('0' + (i % 9));

        // Score: a decimal with two places, 1.00 .. 4.99.
        int cents = 100 + (int)(i * 37 % 400);
        p = Put(d, p, ""","Score":"""u8);
        d[p++] = (byte)('0' + (cents / 100));
        d[p++] = (byte)'.';
        d[p++] = (byte)('0' + (cents / 10 % 10));
        d[p++] = (byte)('0' + (cents % 10));
        return Put(d, p, ""","Notes":null}"""u8);
    }

    private static int Put(Span<byte> destination, int position, ReadOnlySpan<byte> segment)
    {
        segment.CopyTo(destination[position..]);
        return position + segment.Length;
    }

    private static int Number(Span<byte> destination, long value)
    {
        value.TryFormat(destination, out int written, default, CultureInfo.InvariantCulture);
        return written;
    }
}
