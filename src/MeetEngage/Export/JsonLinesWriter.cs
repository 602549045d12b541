using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// JSON Lines: each row as one line of compact JSON equal to the API's row (nothing flattened,
/// numbers with the API's digits), lines ended by <c>\n</c> as the format asks. The data file is
/// the final file. A row given as tokens is its <see cref="RowJson"/>; a row that repeats a key is
/// read back as objects first, so that the line keeps only the last value, as Get-MeetEngageData does.
/// </summary>
internal sealed class JsonLinesWriter : IExportWriter
{
    private const int BlockBytes = 1 << 20;

    private readonly FileStream _data;
    private readonly CompactJson _json = new();
    private readonly ColumnSet _columns;
    private byte[] _block = new byte[BlockBytes];
    private int _used;
    private int _depth;

    // The row's top-level names, counted as columns when the row ends: a row that repeats a key is
    // written from its objects, which keep the first spelling only.
    private readonly List<string> _names = new();

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

    /// <summary>Writes a row given as objects: for rows that repeat a key, and for tests.</summary>
    [MethodImpl(HotPath.Optimized)]
    public void Write(ExportRow row)
    {
        var properties = row.Properties;
        for (var position = 0; position < properties.Count; position++)
        {
            _columns.IndexOf(properties[position].Key, position);
        }

        var line = _json.Write(row);
        WriteLine(line.Array!, line.Offset, line.Count);
    }

    public void RowStarted()
    {
        _depth = 0;
        _names.Clear();
    }

    [MethodImpl(HotPath.Optimized)]
    public void Token(ref Utf8JsonReader reader, PropertyName? name, RowJson json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                _depth++;
                break;
            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                _depth--;
                break;
            case JsonTokenType.PropertyName when _depth == 1:
                _names.Add(name!.SentAs ?? name.Text);
                break;
        }
    }

    public void RowEnded(RowJson json, bool repeatedKey)
    {
        _depth = 0;
        if (repeatedKey)
        {
            Write(FileRows.Parse(json.Span));
            return;
        }

        for (var position = 0; position < _names.Count; position++)
        {
            _columns.IndexOf(_names[position], position);
        }

        WriteLine(json.Buffer, 0, json.Length);
    }

    public long Checkpoint()
    {
        FlushBlock();
        return ExportStreams.Durable(_data);
    }

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FlushBlock();
        ExportStreams.Durable(_data);
        return false;
    }

    public void Dispose()
    {
        // Lines after the last checkpoint are not kept (a resumed export continues from it).
        _data.Dispose();
    }

    private void WriteLine(byte[] bytes, int offset, int count)
    {
        if (_used + count + 1 > _block.Length)
        {
            FlushBlock();
            if (count + 1 > _block.Length)
            {
                _block = new byte[Math.Max(_block.Length * 2, count + 1)];
            }
        }

        Buffer.BlockCopy(bytes, offset, _block, _used, count);
        _used += count;
        _block[_used++] = (byte)'\n';
        Rows++;
    }

    private void FlushBlock()
    {
        _data.Write(_block, 0, _used);
        _used = 0;
    }
}
