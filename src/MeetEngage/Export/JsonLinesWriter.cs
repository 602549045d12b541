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

    // The last row's own names, as the reader resolved them: rows mostly repeat them, and then
    // there is no new column to count.
    private PropertyName[] _lastNames = new PropertyName[64];
    private int _lastNameCount = -1;

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

    /// <summary>No tokens: the row's own names come with its end, and its bytes are its line.</summary>
    public bool WantsTokens => false;

    public void RowStarted()
    {
    }

    /// <summary>Not called: see <see cref="WantsTokens"/>.</summary>
    public void Token(ref Utf8JsonReader reader, PropertyName? name)
    {
    }

    [MethodImpl(HotPath.Optimized)]
    public void RowEnded(ReadOnlySpan<byte> row, ReadOnlySpan<PropertyName> names, bool repeatedKey, bool compact)
    {
        if (repeatedKey)
        {
            // Read back as objects, which keep the last value and the first spelling of a key.
            Write(FileRows.Parse(row));
            return;
        }

        CountColumns(names);
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

    /// <summary>Counts the row's names as columns, unless they are the last row's.</summary>
    [MethodImpl(HotPath.Optimized)]
    private void CountColumns(ReadOnlySpan<PropertyName> names)
    {
        if (names.Length == _lastNameCount)
        {
            var position = 0;
            while (position < names.Length && ReferenceEquals(names[position], _lastNames[position]))
            {
                position++;
            }

            if (position == names.Length)
            {
                return;
            }
        }

        if (names.Length > _lastNames.Length)
        {
            _lastNames = new PropertyName[Math.Max(_lastNames.Length * 2, names.Length)];
        }

        for (var position = 0; position < names.Length; position++)
        {
            var name = names[position];
            _columns.IndexOf(name.SentAs ?? name.Text, position);
            _lastNames[position] = name;
        }

        _lastNameCount = names.Length;
    }

    private void FlushBlock()
    {
        _block = _data.Exchange(_block, _used);
        _used = 0;
    }
}
