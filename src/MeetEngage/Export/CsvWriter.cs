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
/// CSV whose header is the union of every row's flattened columns, in bounded memory: rows go to
/// the data file (a spill beside the target) as they arrive, each laid out in the columns known at
/// that moment; the final file is then the header followed by the spilled rows, each padded with
/// empty cells for the columns that appeared after it. Memory holds one row and the column names.
/// </summary>
/// <remarks>
/// A spilled row is an 8-byte prefix (byte length, column count) and the row's UTF-8 CSV text,
/// so that rows with newlines inside quoted fields need no parsing when they are copied.
/// The cost is disk: while the final file is written, the spill and the file exist side by side.
/// Rows come as tokens (<see cref="Token"/>): each cell is encoded from the JSON bytes as the
/// reader meets it, with no object or string per value (CsvWriter.Tokens.cs). A row that repeats a
/// key or whose flattened names collide is flattened from its objects instead (<see cref="Write"/>),
/// which handles those rare cases; both ways give the same bytes.
/// </remarks>
internal sealed partial class CsvWriter : IExportWriter
{
    private const int BlockBytes = 1 << 20;
    private const int PrefixBytes = 8;

    private readonly FileStream _spill;
    private readonly ColumnSet _columns;
    private readonly Flattener _flattener;
    private readonly Encoding _encoding;
    private readonly CsvCells _cells = new();
    private readonly byte[] _prefix = new byte[PrefixBytes];
    private object?[] _slots = new object?[64];
    private byte[] _commas = Array.Empty<byte>();

    // Spilled rows wait here and go to the spill a block at a time; the row being written starts
    // at _rowStart (its prefix first), so a row never needs a second buffer.
    private byte[] _block = new byte[BlockBytes];
    private int _used;
    private int _rowStart;

    public CsvWriter(FileStream spill, Encoding encoding, ColumnSet columns, long rows, Action<string> warn)
    {
        _spill = spill;
        _encoding = encoding;
        _columns = columns;
        _flattener = new Flattener(warn);
        _paths = new FlatPaths(_flattener);
        Rows = rows;
    }

    public long Rows { get; private set; }

    public IReadOnlyList<string> Columns => _columns.Names;

    /// <summary>CSV encodes each cell from its token and keeps JSON only for array cells.</summary>
    public bool WritesCompactRows => false;

    /// <summary>Writes a row given as objects: for rows the token path leaves to it, and for tests.</summary>
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
        if (width > _slots.Length)
        {
            Array.Resize(ref _slots, width);
        }

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

        var bytes = _cells.Bytes;
        BeginRow();
        Append(bytes.Array!, bytes.Offset, bytes.Count);
        EndRow(width);
    }

    public long Checkpoint()
    {
        FlushBlock();
        return ExportStreams.Durable(_spill);
    }

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        FlushBlock();
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
        // What a failed export leaves is deleted, and a resumed one continues from its last
        // checkpoint: rows after that are not kept, so the block is not flushed here.
        _spill.Dispose();
    }

    /// <summary>Starts a row at <see cref="_rowStart"/>, dropping what a row given up left there, with room for its prefix.</summary>
    private void BeginRow()
    {
        _used = _rowStart;
        Ensure(PrefixBytes);
        _used += PrefixBytes;
    }

    /// <summary>Ends the row written from <see cref="_rowStart"/>: its prefix, and the next row after it.</summary>
    private void EndRow(int width)
    {
        WriteInt(_block, _rowStart, _used - _rowStart - PrefixBytes);
        WriteInt(_block, _rowStart + 4, width);
        _rowStart = _used;
        Rows++;
    }

    /// <summary>Room for <paramref name="more"/> bytes after <see cref="_used"/>, keeping the row being written.</summary>
    private void Ensure(int more)
    {
        if (_used + more <= _block.Length)
        {
            return;
        }

        _spill.Write(_block, 0, _rowStart);
        var partial = _used - _rowStart;
        MoveToStart(ref _block, _rowStart, partial, partial + more);
        _rowStart = 0;
        _used = partial;
    }

    /// <summary>Moves <paramref name="count"/> bytes from <paramref name="from"/> to the buffer's start, in a larger buffer when it needs <paramref name="needed"/>.</summary>
    private static void MoveToStart(ref byte[] buffer, int from, int count, int needed)
    {
        if (needed > buffer.Length)
        {
            var larger = new byte[Math.Max(buffer.Length * 2, needed)];
            Buffer.BlockCopy(buffer, from, larger, 0, count);
            buffer = larger;
        }
        else
        {
            Buffer.BlockCopy(buffer, from, buffer, 0, count);
        }
    }

    private void FlushBlock()
    {
        _spill.Write(_block, 0, _rowStart);
        var partial = _used - _rowStart;
        Buffer.BlockCopy(_block, _rowStart, _block, 0, partial);
        _rowStart = 0;
        _used = partial;
    }

    private void Append(byte[] bytes, int offset, int count)
    {
        Ensure(count);
        Buffer.BlockCopy(bytes, offset, _block, _used, count);
        _used += count;
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

            ReadExactly(_prefix, PrefixBytes);
            var length = ReadInt(_prefix, 0);
            var width = ReadInt(_prefix, 4);
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

            Refill(ref input, ref buffered, ref at, ref remaining, PrefixBytes);
            var length = ReadInt(input, at);
            var width = ReadInt(input, at + 4);
            Refill(ref input, ref buffered, ref at, ref remaining, PrefixBytes + length);
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

            Buffer.BlockCopy(input, at + PrefixBytes, block, used, length);
            used += length;
            for (var i = 0; i < padding; i++)
            {
                block[used++] = (byte)',';
            }

            Buffer.BlockCopy(newLine, 0, block, used, newLine.Length);
            used += newLine.Length;
            at += PrefixBytes + length;
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
        MoveToStart(ref input, at, kept, needed);
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

    private static int ReadInt(byte[] buffer, int offset) =>
        buffer[offset] | (buffer[offset + 1] << 8) | (buffer[offset + 2] << 16) | (buffer[offset + 3] << 24);

    private static void WriteInt(byte[] buffer, int offset, int value)
    {
        buffer[offset] = (byte)value;
        buffer[offset + 1] = (byte)(value >> 8);
        buffer[offset + 2] = (byte)(value >> 16);
        buffer[offset + 3] = (byte)(value >> 24);
    }
}
