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
/// the final file. A row given as tokens is written as the body sent it when that is its compact JSON
/// (the usual case: one copy a row), else rewritten compactly (<see cref="RowJson"/>); a row that
/// repeats a key is read back as objects first, so that the line keeps only the last value, as
/// Get-MeetEngageData does.
/// </summary>
internal sealed class JsonLinesWriter : IExportWriter
{
    private const int BlockBytes = 1 << 20;

    private readonly WriteBehind _data;
    private readonly CompactJson _json = new();
    private readonly RowJson _rowJson = new();
    private readonly ColumnSet _columns;
    private byte[] _block = new byte[BlockBytes];
    private int _used;
    private int _depth;

    // The row's top-level names, counted as columns when the row ends: a row that repeats a key is
    // written from its objects, which keep the first spelling only.
    private PropertyName?[] _names = new PropertyName?[64];
    private int _nameCount;

    public JsonLinesWriter(FileStream data, Encoding encoding, ColumnSet columns, long rows)
    {
        _columns = columns;
        Rows = rows;
        if (data.Length == 0)
        {
            var preamble = encoding.GetPreamble();
            data.Write(preamble, 0, preamble.Length);
        }

        _data = new WriteBehind(data);
    }

    public long Rows { get; private set; }

    public IReadOnlyList<string> Columns => _columns.Names;

    /// <summary>A row that is its own compact JSON is its line.</summary>
    public bool WritesCompactRows => true;

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
        WriteLine(line.AsSpan());
    }

    public void RowStarted()
    {
        _depth = 0;
        _nameCount = 0;
    }

    [MethodImpl(HotPath.Optimized)]
    public void Token(ref Utf8JsonReader reader, PropertyName? name)
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
                if (_nameCount == _names.Length)
                {
                    Array.Resize(ref _names, _nameCount * 2);
                }

                _names[_nameCount++] = name;
                break;
        }
    }

    [MethodImpl(HotPath.Optimized)]
    public void RowEnded(ReadOnlySpan<byte> row, bool repeatedKey, bool compact)
    {
        _depth = 0;
        if (repeatedKey)
        {
            Write(FileRows.Parse(row));
            return;
        }

        // The column set's own check by position makes the names of a row like the last one cheap.
        for (var position = 0; position < _nameCount; position++)
        {
            var name = _names[position]!;
            _columns.IndexOf(name.SentAs ?? name.Text, position);
        }

        if (compact)
        {
            WriteLine(row);
            return;
        }

        // White space between tokens, or escapes that the compact form writes otherwise.
        _rowJson.Rewrite(row);
        WriteLine(_rowJson.Span);
    }

    public void Checkpoint(ResumeState state)
    {
        FlushBlock();
        state.DataBytes = _data.Durable();
    }

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FlushBlock();
        _data.Durable();
        return false;
    }

    public void Dispose()
    {
        // Lines after the last checkpoint are not kept (a resumed export continues from it).
        _data.Dispose();
    }

    [MethodImpl(HotPath.Optimized)]
    private void WriteLine(ReadOnlySpan<byte> line)
    {
        var count = line.Length;
        if (_used + count + 1 > _block.Length)
        {
            _block = _data.Exchange(_block, _used, minimumLength: count + 1);
            _used = 0;
        }

        line.CopyTo(new Span<byte>(_block, _used, count));
        _used += count;
        _block[_used++] = (byte)'\n';
        Rows++;
    }

    private void FlushBlock()
    {
        _block = _data.Exchange(_block, _used);
        _used = 0;
    }
}
