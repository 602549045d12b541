using System;
using System.Text;

namespace MeetEngage.Simulator;

/// <summary>
/// <c>export_shapes</c>: a dozen rows that exercise flattening and CSV: nested objects, arrays,
/// empty objects and arrays, nulls, quotes, commas, newlines, non-ASCII text, big and decimal
/// numbers, a key differing only in case, a dotted key colliding with a nested one, and columns
/// that first appear in the last rows. Row i is dated 2024-01-01 + i days (not emitted).
/// </summary>
internal static class ExportShapesDataSet
{
    public static readonly string[] Rows =
    [
        """{"Id":1,"Name":"Plain","Score":1.50,"Active":true,"Details":{"Source":"LinkedIn","Campaign":{"Name":"Spring","Id":7}},"Answers":[1,"two",null,true,2.5],"Notes":null}""",
        """{"Id":2,"Name":"She said \"hello\", then left","Score":0.1000,"Active":false,"Details":null,"Answers":[],"Notes":"Line one\nLine two"}""",
        """{"Id":3,"Name":"Zoë, café — ✓ 日本 🎉","Score":12345678901234567890,"Active":null,"Details":{},"Answers":[{"q":"a,b","v":[1,2]}],"Notes":"Column A\tColumn B"}""",
        """{"Name":"Order differs","Id":4,"Details":{"Campaign":{"Id":8,"Name":"Summer"},"Source":"Web"},"Notes":"\"Quoted\", commas, a\nnewline"}""",
        """{"Id":5,"Name":"Big reference","Reference":9007199254740993,"Score":-3.25,"Notes":"Back\\slash and /slash"}""",
        """{"Id":6,"name":"lower-case key","Score":4,"Notes":""}""",
        """{"Id":7,"Name":"Dotted key beside nested","Details.Source":"literal","Details":{"Source":"nested"}}""",
        """{"Id":8,"Name":"Only nested array","Details":{"Tags":["x","y"],"Empty":[]}}""",
        """{"Id":9,"Name":"Late column","Late":"first seen here","Details":{"Late":{"Deep":"yes"}}}""",
        """{"Id":10,"Name":"Last row","Last":"only in the last row","Score":7.0}""",
    ];

    public static IDataSet Create()
    {
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var rows = new (long DateMs, byte[] Json)[Rows.Length];
        for (int i = 0; i < Rows.Length; i++)
        {
            rows[i] = (new DateTimeOffset(start.AddDays(i)).ToUnixTimeMilliseconds(), Encoding.UTF8.GetBytes(Rows[i]));
        }

        return new PrecomputedDataSet(rows);
    }
}
