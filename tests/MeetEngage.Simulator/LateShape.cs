using System.Globalization;
using System.Text;

namespace MeetEngage.Simulator;

/// <summary>
/// The flat rows, where columns first appear late: row <c>2^k</c> (k from 10 on: rows 1024, 2048, ...,
/// 524288) alone carries one more column <c>Late&lt;k&gt;</c>, so an export that takes its header from the
/// first rows loses them, and one that holds rows to find them grows with the data.
/// </summary>
internal sealed class LateShape : BulkShape
{
    private static readonly byte[][] Names = BuildNames();

    public override int MaxRowBytes => 512;

    public override void Write(ref Utf8Row row, long i)
    {
        Flat.Write(ref row, i);
        if (i >= 1024 && (i & (i - 1)) == 0)
        {
            // Replace the closing brace with the late column.
            row.Back(1);
            row.Raw(Names[Log2(i)]);
        }
    }

    private static int Log2(long i)
    {
        int k = 0;
        while ((i >>= 1) != 0)
        {
            k++;
        }

        return k;
    }

    private static byte[][] BuildNames()
    {
        var names = new byte[64][];
        for (int k = 0; k < names.Length; k++)
        {
            names[k] = Encoding.UTF8.GetBytes(string.Format(CultureInfo.InvariantCulture, ",\"Late{0}\":\"first seen in row {1}\"}}", k, 1L << k));
        }

        return names;
    }
}
