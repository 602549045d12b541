using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;

namespace MeetEngage.Export;

/// <summary>
/// CSV whose header is the union of every row's flattened columns, in bounded memory: rows go to
/// the data file (a spill beside the target) as they arrive, each laid out in the columns known at
/// that moment; the final file is then the header followed by the spilled rows, each padded with
/// empty cells for the columns that appeared after it. Memory holds one row and the column names.
/// </summary>
/// <remarks>
/// A spilled row is an 8-byte prefix (byte length, column count) and the row's UTF-8 CSV text,
/// so that rows with newlines inside quoted fields need no parsing when they are copied.
/// The cost is disk: while the final file is written, the spill and the file exist side by side.
/// </remarks>
internal sealed class CsvWriter : IExportWriter
{
    private readonly FileStream _spill;
    private readonly ColumnSet _columns;
    private readonly Flattener _flattener;
    private readonly Encoding _encoding;
    private readonly CsvCells _cells = new();
    private readonly byte[] _prefix = new byte[8];
    private object?[] _slots = new object?[64];
    private byte[] _commas = Array.Empty<byte>();

    public CsvWriter(FileStream spill, Encoding encoding, ColumnSet columns, long rows, Action<string> warn)
    {
        _spill = spill;
        _encoding = encoding;
        _columns = columns;
        _flattener = new Flattener(warn);
        Rows = rows;
    }

    public long Rows { get; private set; }

    public IReadOnlyList<string> Columns => _columns.Names;

    [MethodImpl(HotPath.Optimized)]
    public void Write(ExportRow row)
    {
        var cells = _flattener.Flatten(row);
        for (var position = 0; position < cells.Count; position++)
        {
            var cell = cells[position];
            var index = _columns.IndexOf(cell.Key, position);
            if (index >= _slots.Length)
            {
                Array.Resize(ref _slots, Math.Max(_slots.Length * 2, index + 1));
            }

            _slots[index] = cell.Value;
        }

        var width = _columns.Count;
        _cells.Clear();
        for (var i = 0; i < width; i++)
        {
            if (i > 0)
            {
                _cells.Separator();
            }

            _cells.Field(_slots[i]);
            _slots[i] = null;
        }

        WriteInt(0, _cells.Length);
        WriteInt(4, width);
        _spill.Write(_prefix, 0, _prefix.Length);
        var bytes = _cells.Bytes;
        _spill.Write(bytes.Array!, bytes.Offset, bytes.Count);
        Rows++;
    }

    public long Checkpoint() => ExportStreams.Durable(_spill);

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        _spill.Flush();
        var end = _spill.Length;
        _spill.Position = 0;
        using (var output = new FileStream(finalPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, ExportStreams.BufferBytes))
        {
            if (Rows > 0)
            {
                var preamble = _encoding.GetPreamble();
                output.Write(preamble, 0, preamble.Length);
                WriteHeader(output);
                CopyRows(output, end, cancellationToken);
            }

            output.Flush(flushToDisk: true);
        }

        return true;
    }

    public void Dispose()
    {
        _spill.Dispose();
    }

    private void WriteHeader(Stream output)
    {
        _cells.Clear();
        for (var i = 0; i < _columns.Count; i++)
        {
            if (i > 0)
            {
                _cells.Separator();
            }

            _cells.Field(_columns.Names[i]);
        }

        WriteLine(output, _cells.Bytes, padding: 0);
    }

    private void CopyRows(Stream output, long end, CancellationToken cancellationToken)
    {
        if (_encoding is UTF8Encoding)
        {
            CopyRowsInBlocks(output, end, cancellationToken);
            return;
        }

        var row = new byte[4096];
        for (var copied = 1L; _spill.Position < end; copied++)
        {
            if (copied % 65536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            ReadExactly(_prefix, 8);
            var length = ReadInt(0);
            var width = ReadInt(4);
            if (length > row.Length)
            {
                row = new byte[Math.Max(length, row.Length * 2)];
            }

            ReadExactly(row, length);
            WriteLine(output, new ArraySegment<byte>(row, 0, length), Padding(width));
        }
    }

    /// <summary>
    /// The UTF-8 case, which needs no conversion: the spill is read and the file written in blocks
    /// of a megabyte, rows copied between them, instead of a few stream calls per row.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private void CopyRowsInBlocks(Stream output, long end, CancellationToken cancellationToken)
    {
        const int BlockBytes = 1 << 20;
        var input = new byte[BlockBytes];
        var buffered = 0;
        var at = 0;
        var remaining = end;
        var block = new byte[BlockBytes];
        var used = 0;
        var newLine = NewLine;
        for (var copied = 1L; remaining > 0 || at < buffered; copied++)
        {
            if (copied % 65536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            Refill(ref input, ref buffered, ref at, ref remaining, 8);
            var length = input[at] | (input[at + 1] << 8) | (input[at + 2] << 16) | (input[at + 3] << 24);
            var width = input[at + 4] | (input[at + 5] << 8) | (input[at + 6] << 16) | (input[at + 7] << 24);
            Refill(ref input, ref buffered, ref at, ref remaining, 8 + length);
            var padding = Padding(width);
            var line = length + padding + newLine.Length;
            if (used + line > block.Length)
            {
                output.Write(block, 0, used);
                used = 0;
                if (line > block.Length)
                {
                    block = new byte[line];
                }
            }

            Buffer.BlockCopy(input, at + 8, block, used, length);
            used += length;
            for (var i = 0; i < padding; i++)
            {
                block[used++] = (byte)',';
            }

            Buffer.BlockCopy(newLine, 0, block, used, newLine.Length);
            used += newLine.Length;
            at += 8 + length;
        }

        output.Write(block, 0, used);
    }

    /// <summary>Makes at least <paramref name="needed"/> bytes available from <paramref name="at"/> on.</summary>
    private void Refill(ref byte[] input, ref int buffered, ref int at, ref long remaining, int needed)
    {
        if (buffered - at >= needed)
        {
            return;
        }

        var kept = buffered - at;
        if (needed > input.Length)
        {
            var larger = new byte[Math.Max(needed, input.Length * 2)];
            Buffer.BlockCopy(input, at, larger, 0, kept);
            input = larger;
        }
        else
        {
            Buffer.BlockCopy(input, at, input, 0, kept);
        }

        at = 0;
        buffered = kept;
        while (buffered < needed)
        {
            var read = _spill.Read(input, buffered, (int)Math.Min(input.Length - buffered, remaining));
            if (read <= 0)
            {
                throw new IOException("The export's temporary file ended early: it was changed by something else while the export ran.");
            }

            buffered += read;
            remaining -= read;
        }
    }

    private int Padding(int width) => width == 0 ? Math.Max(0, _columns.Count - 1) : _columns.Count - width;

    private void WriteLine(Stream output, ArraySegment<byte> utf8, int padding)
    {
        Write(output, utf8);
        if (padding > 0)
        {
            if (_commas.Length < padding)
            {
                _commas = new byte[padding];
                for (var i = 0; i < padding; i++)
                {
                    _commas[i] = (byte)',';
                }
            }

            Write(output, new ArraySegment<byte>(_commas, 0, padding));
        }

        Write(output, new ArraySegment<byte>(NewLine));
    }

    private static readonly byte[] NewLine = Encoding.ASCII.GetBytes(Environment.NewLine);

    private void Write(Stream output, ArraySegment<byte> utf8)
    {
        if (_encoding is UTF8Encoding)
        {
            output.Write(utf8.Array!, utf8.Offset, utf8.Count);
            return;
        }

        var converted = Encoding.Convert(Encoding.UTF8, _encoding, utf8.Array!, utf8.Offset, utf8.Count);
        output.Write(converted, 0, converted.Length);
    }

    private void ReadExactly(byte[] buffer, int count)
    {
        var read = 0;
        while (read < count)
        {
            var n = _spill.Read(buffer, read, count - read);
            if (n <= 0)
            {
                throw new IOException("The export's temporary file ended early: it was changed by something else while the export ran.");
            }

            read += n;
        }
    }

    private int ReadInt(int offset) =>
        _prefix[offset] | (_prefix[offset + 1] << 8) | (_prefix[offset + 2] << 16) | (_prefix[offset + 3] << 24);

    private void WriteInt(int offset, int value)
    {
        _prefix[offset] = (byte)value;
        _prefix[offset + 1] = (byte)(value >> 8);
        _prefix[offset + 2] = (byte)(value >> 16);
        _prefix[offset + 3] = (byte)(value >> 24);
    }
}
