using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;

namespace MeetEngage.Export;

/// <summary>
/// JSON Lines: each row as one line of compact JSON equal to the API's row (nothing flattened,
/// numbers with the API's digits), lines ended by <c>\n</c> as the format asks. The data file is
/// the final file.
/// </summary>
internal sealed class JsonLinesWriter : IExportWriter
{
    private readonly FileStream _data;
    private readonly CompactJson _json = new();
    private readonly ColumnSet _columns;

    public JsonLinesWriter(FileStream data, Encoding encoding, ColumnSet columns, long rows)
    {
        _data = data;
        _columns = columns;
        Rows = rows;
        if (data.Length == 0)
        {
            var preamble = encoding.GetPreamble();
            data.Write(preamble, 0, preamble.Length);
        }
    }

    public long Rows { get; private set; }

    public IReadOnlyList<string> Columns => _columns.Names;

    [MethodImpl(HotPath.Optimized)]
    public void Write(ExportRow row)
    {
        var properties = row.Properties;
        for (var position = 0; position < properties.Count; position++)
        {
            _columns.IndexOf(properties[position].Key, position);
        }

        var line = _json.Write(row);
        _data.Write(line.Array!, line.Offset, line.Count);
        _data.WriteByte((byte)'\n');
        Rows++;
    }

    public long Checkpoint() => ExportStreams.Durable(_data);

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ExportStreams.Durable(_data);
        return false;
    }

    public void Dispose()
    {
        _data.Dispose();
    }
}
