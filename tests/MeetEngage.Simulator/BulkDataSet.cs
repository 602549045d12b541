using System;
using System.Globalization;
using System.Threading.Tasks;

namespace MeetEngage.Simulator;

/// <summary>
/// <c>bulk_N</c> and <c>bulk_&lt;shape&gt;_N</c>: N rows of one <see cref="BulkShape"/>, generated on the fly for
/// throughput tests; the date filter is ignored. Speed matters more than anything here: the constant parts of a
/// row are precomputed UTF-8 segments, the few varying numbers are formatted in place, and rows are written
/// straight into Kestrel's pipe buffers, so producing a row allocates nothing.
/// </summary>
internal sealed class BulkDataSet(long count, BulkShape shape) : IDataSet
{
    public const long MaxCount = 50_000_000;

    private const string Prefix = "bulk_";

    /// <summary>
    /// Returns the set for a name like <c>bulk_1000000</c> (the flat shape) or <c>bulk_wide_1000000</c>
    /// (N from 0 to 50,000,000), or null.
    /// </summary>
    public static BulkDataSet? TryCreate(string method)
    {
        if (!method.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = method[Prefix.Length..];
        int separator = rest.LastIndexOf('_');
        BulkShape? shape = separator < 0 ? BulkShape.Flat : BulkShape.Find(rest[..separator]);
        if (shape is null
            || !long.TryParse(rest.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n)
            || n > MaxCount)
        {
            return null;
        }

        return new BulkDataSet(n, shape);
    }

    public async ValueTask WriteRowsAsync(JsonSink sink, DateRange range, long maxRows)
    {
        long end = Math.Min(count, maxRows);
        long next = 0;
        while (next < end)
        {
            Memory<byte> memory = sink.GetMemory(shape.MaxRowBytes);
            long first = next;
            int written = Fill(memory.Span, first, end, out next);
            sink.Advance(written, next - first);
            await sink.FlushIfNeededAsync();
        }
    }

    // Fills whole rows (with their separating commas) while at least one more surely fits.
    private int Fill(Span<byte> destination, long first, long end, out long next)
    {
        int position = 0;
        long i = first;
        while (i < end && destination.Length - position >= shape.MaxRowBytes)
        {
            if (i > 0)
            {
                destination[position++] = (byte)',';
            }

            var row = new Utf8Row(destination[position..]);
            shape.Write(ref row, i);
            position += row.Position;
            i++;
        }

        next = i;
        return position;
    }
}
