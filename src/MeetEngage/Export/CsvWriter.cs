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
/// CSV whose header is the union of every row's flattened columns, in bounded memory, with its data
/// written once when the columns settle early. The first rows wait in a block; when it is first
/// written out, the header of the columns known by then goes first and the rows follow as lines,
/// padded to it: while no row brings a new column, that data file is the final file. A row that
/// does makes the rest go to the data file as spilled rows, each laid out in the columns known at
/// that moment; the final file is then written anew: the whole header, the lines and the spilled
/// rows, each padded with empty cells for the columns that appeared after it (<see cref="CsvLayout"/>).
/// Memory holds one row and the column names.
/// </summary>
/// <remarks>
/// A spilled row is an 8-byte prefix (byte length, column count) and the row's UTF-8 CSV text,
/// so that rows with newlines inside quoted fields need no parsing when they are copied. Lines are
/// found again by their line breaks, outside quotes when a cell holds one. Files in encodings other
/// than UTF-8 are always spilled and converted at the end.
/// Rows come as tokens (<see cref="Token"/>): each cell is encoded from the JSON bytes as the
/// reader meets it, with no object or string per value (CsvWriter.Tokens.cs). A row that repeats a
/// key or whose flattened names collide is flattened from its objects instead (<see cref="Write"/>),
/// which handles those rare cases; both ways give the same bytes.
/// </remarks>
internal sealed partial class CsvWriter : IExportWriter
{
    private const int BlockBytes = 1 << 20;
    private const int PrefixBytes = 8;

    private readonly WriteBehind _file;

    // The data file itself, for the writer's own use while _file lends it: the first block's lines and the final copy.
    private readonly FileStream _data;
    private readonly ColumnSet _columns;
    private readonly Flattener _flattener;
    private readonly Encoding _encoding;
    private readonly CsvCells _cells = new();
    private readonly byte[] _prefix = new byte[PrefixBytes];
    private readonly CsvLayout _layout;
    private object?[] _slots = new object?[64];
    private byte[] _commas = Array.Empty<byte>();
    private Mode _mode;

    // Rows wait here and go to the data file a block at a time; the row being written starts at
    // _rowStart (after room for its prefix when it is spilled), so a row never needs a second buffer.
    private byte[] _block;
    private int _used;
    private int _rowStart;
    private int _rowPrefix;

    /// <param name="data">The data file, positioned at its end.</param>
    /// <param name="kept">What a resumed export's data file holds; null for a new one.</param>
    /// <param name="lines">False to spill every row (tests compare both ways).</param>
    /// <param name="blockBytes">The block's size (tests make it small to cross blocks often).</param>
    public CsvWriter(FileStream data, Encoding encoding, ColumnSet columns, long rows, Action<string> warn, CsvLayout? kept = null, bool lines = true, int blockBytes = BlockBytes)
    {
        _data = data;
        _file = new WriteBehind(data);
        _encoding = encoding;
        _columns = columns;
        _flattener = new Flattener(warn);
        _paths = new FlatPaths(_flattener);
        _block = new byte[blockBytes];
        Rows = rows;
        _layout = data.Length > 0 && kept is not null ? kept.Copy() : new CsvLayout();
        _mode = !lines || encoding is not UTF8Encoding ? Mode.Spill
            : data.Length == 0 ? Mode.Undecided
            : _layout.HeaderColumns == 0 || _layout.SpillFrom > 0 ? Mode.Spill
            : Mode.Lines;
    }

    private enum Mode
    {
        /// <summary>Nothing written to the data file yet.</summary>
        Undecided,

        /// <summary>The data file is the header and lines: the final file so far.</summary>
        Lines,

        /// <summary>Rows are spilled.</summary>
        Spill,
    }

    public long Rows { get; private set; }

    public IReadOnlyList<string> Columns => _columns.Names;

    /// <summary>CSV encodes each cell from its token and keeps JSON only for array cells.</summary>
    public bool WritesCompactRows => false;

    public bool WantsTokens => true;

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

    public void Checkpoint(ResumeState state)
    {
        FlushBlock();
        state.DataBytes = _file.Durable();
        state.Csv = _layout.HeaderColumns > 0 ? _layout.Copy() : null;
    }

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        FlushBlock();
        if (_mode == Mode.Lines)
        {
            _file.Durable();
            cancellationToken.ThrowIfCancellationRequested();
            return false;
        }

        _file.Borrow().Flush();
        var end = _data.Length;
        using (var output = new FileStream(finalPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, ExportStreams.BufferBytes))
        {
            if (Rows > 0)
            {
                var preamble = _encoding.GetPreamble();
                output.Write(preamble, 0, preamble.Length);
                WriteHeader(output);
                var spillFrom = 0L;
                if (_layout.HeaderColumns > 0)
                {
                    PadLines(output, _columns.Count - _layout.HeaderColumns, cancellationToken);
                    spillFrom = _layout.SpillFrom;
                }

                _data.Position = spillFrom;
                CopyRows(output, end - spillFrom, cancellationToken);
            }

            output.Flush(flushToDisk: true);
        }

        return true;
    }

    public void Dispose()
    {
        // What a failed export leaves is deleted, and a resumed one continues from its last
        // checkpoint: rows after that are not kept, so the block is not flushed here.
        _file.Dispose();
    }

    /// <summary>Starts a row at <see cref="_rowStart"/>, dropping what a row given up left there, with room for its prefix when it is spilled.</summary>
    private void BeginRow()
    {
        _used = _rowStart;
        Ensure(PrefixBytes);
        _rowPrefix = _mode == Mode.Lines ? 0 : PrefixBytes;
        _used += _rowPrefix;
    }

    /// <summary>Ends the row written from <see cref="_rowStart"/>, <paramref name="width"/> cells wide: as a line or spilled, and the next row after it.</summary>
    private void EndRow(int width)
    {
        if (_mode == Mode.Lines)
        {
            var length = _used - _rowStart - _rowPrefix;
            if (width == _layout.HeaderColumns)
            {
                if (_rowPrefix > 0)
                {
                    // Begun while its block had not yet been written out: a line needs no prefix.
                    _block.AsSpan(_rowStart + PrefixBytes, length).CopyTo(_block.AsSpan(_rowStart));
                    _used -= PrefixBytes;
                }

                Bytes(NewLine);
                _layout.Lines++;
                _rowStart = _used;
                Rows++;
                return;
            }

            // A new column: the header at the file's start is short now, so this row and every
            // row after it are spilled, and the final file is written anew at the end.
            if (_rowPrefix == 0)
            {
                Ensure(PrefixBytes);
                _block.AsSpan(_rowStart, length).CopyTo(_block.AsSpan(_rowStart + PrefixBytes));
                _used += PrefixBytes;
            }

            _layout.SpillFrom = _file.Position + _rowStart;
            _mode = Mode.Spill;
        }

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

        WriteRows(more);
    }

    /// <summary>Writes the block's finished rows, keeping the row being written.</summary>
    private void FlushBlock() => WriteRows(0);

    /// <summary>
    /// Writes the block's finished rows to the data file (the first time, with the header when the
    /// data file can be the final file), and moves the row being written to the start of a block
    /// with room for <paramref name="more"/> bytes after it.
    /// </summary>
    private void WriteRows(int more)
    {
        var partial = _used - _rowStart;
        if (_rowStart > 0 && _mode == Mode.Undecided && _columns.Count == 0)
        {
            // Only rows without cells so far: no header to start with.
            _mode = Mode.Spill;
        }

        if (_rowStart > 0 && _mode == Mode.Undecided)
        {
            StartLines();
            MoveToStart(ref _block, _rowStart, partial, partial + more);
        }
        else
        {
            // The finished rows go to the data file behind; the row being written goes on in the next block.
            _block = _file.Exchange(_block, _rowStart, partial, partial + more);
        }

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

    /// <summary>The header of the columns known now, then the block's rows as lines padded to it.</summary>
    private void StartLines()
    {
        _file.Borrow();
        var preamble = _encoding.GetPreamble();
        _data.Write(preamble, 0, preamble.Length);
        WriteHeader(_data);
        _layout.HeaderColumns = _columns.Count;
        _layout.LinesFrom = _data.Position;
        for (var at = 0; at < _rowStart; _layout.Lines++)
        {
            var length = ReadInt(_block, at);
            WriteLine(_data, new ArraySegment<byte>(_block, at + PrefixBytes, length), Padding(ReadInt(_block, at + 4)));
            at += PrefixBytes + length;
        }

        _file.GiveBack();
        _mode = Mode.Lines;
    }

    private void Append(byte[] bytes, int offset, int count)
    {
        Ensure(count);
        Buffer.BlockCopy(bytes, offset, _block, _used, count);
        _used += count;
    }

    /// <summary>The header of the columns known now; in cells of its own, as it may be written while a row's are in <see cref="_cells"/>.</summary>
    private void WriteHeader(Stream output)
    {
        var header = new CsvCells();
        for (var i = 0; i < _columns.Count; i++)
        {
            if (i > 0)
            {
                header.Separator();
            }

            header.Field(_columns.Names[i]);
        }

        WriteLine(output, header.Bytes, padding: 0);
    }

    /// <summary>Copies <paramref name="count"/> bytes of spilled rows from the data file's position, each padded to the header.</summary>
    private void CopyRows(Stream output, long count, CancellationToken cancellationToken)
    {
        if (_encoding is UTF8Encoding)
        {
            CopyRowsInBlocks(output, count, cancellationToken);
            return;
        }

        var end = _data.Position + count;
        var row = new byte[4096];
        for (var copied = 1L; _data.Position < end; copied++)
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
    private void CopyRowsInBlocks(Stream output, long count, CancellationToken cancellationToken)
    {
        var input = new byte[BlockBytes];
        var buffered = 0;
        var at = 0;
        var remaining = count;
        var block = new byte[BlockBytes];
        var used = 0;
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
            AppendLine(output, ref block, ref used, input, at + PrefixBytes, length, Padding(width));
            at += PrefixBytes + length;
        }

        output.Write(block, 0, used);
    }

    /// <summary>
    /// Copies the lines written after the short header, each padded with <paramref name="padding"/>
    /// empty cells. A line break inside a cell makes more breaks than rows: then the rows' ends are
    /// found again outside quotes.
    /// </summary>
    private void PadLines(FileStream output, int padding, CancellationToken cancellationToken)
    {
        var start = output.Position;
        if (CopyLines(output, padding, outsideQuotes: false, cancellationToken))
        {
            return;
        }

        output.SetLength(start);
        output.Position = start;
        if (!CopyLines(output, padding, outsideQuotes: true, cancellationToken))
        {
            throw new IOException("The export's temporary file does not hold the rows it should: it was changed by something else while the export ran.");
        }
    }

    /// <summary>One pass of <see cref="PadLines"/>: false when the breaks found are not one a row.</summary>
    [MethodImpl(HotPath.Optimized)]
    private bool CopyLines(Stream output, int padding, bool outsideQuotes, CancellationToken cancellationToken)
    {
        _data.Position = _layout.LinesFrom;
        var remaining = _layout.SpillFrom - _layout.LinesFrom;
        var input = new byte[BlockBytes];
        var buffered = 0;
        var at = 0;
        var block = new byte[BlockBytes];
        var used = 0;
        var lines = 0L;
        while (at < buffered || remaining > 0)
        {
            var end = LineEnd(input, at, buffered, outsideQuotes);
            if (end < 0)
            {
                if (remaining == 0)
                {
                    return false;
                }

                Refill(ref input, ref buffered, ref at, ref remaining, buffered - at + 1);
                continue;
            }

            var length = end + 1 - at - NewLine.Length;
            if (length < 0 || ++lines > _layout.Lines)
            {
                return false;
            }

            if (lines % 65536 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            AppendLine(output, ref block, ref used, input, at, length, padding);
            at = end + 1;
        }

        output.Write(block, 0, used);
        return lines == _layout.Lines;
    }

    /// <summary>
    /// Appends a line to the output block: <paramref name="length"/> bytes of CSV text from
    /// <paramref name="source"/>, <paramref name="padding"/> empty cells, the line break; the block
    /// is written out first when the line does not fit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AppendLine(Stream output, ref byte[] block, ref int used, byte[] source, int offset, int length, int padding)
    {
        var line = length + padding + NewLine.Length;
        if (used + line > block.Length)
        {
            output.Write(block, 0, used);
            used = 0;
            if (line > block.Length)
            {
                block = new byte[line];
            }
        }

        Buffer.BlockCopy(source, offset, block, used, length);
        used += length;
        for (var i = 0; i < padding; i++)
        {
            // A few commas at most, usually none: a loop beats a call to fill them.
            block[used++] = (byte)',';
        }

        Buffer.BlockCopy(NewLine, 0, block, used, NewLine.Length);
        used += NewLine.Length;
    }

    /// <summary>Where the line from <paramref name="at"/> ends (its <c>\n</c>) within <paramref name="buffered"/>, or -1.</summary>
    private static int LineEnd(byte[] input, int at, int buffered, bool outsideQuotes)
    {
        var span = new ReadOnlySpan<byte>(input, at, buffered - at);
        if (!outsideQuotes)
        {
            var found = span.IndexOf((byte)'\n');
            return found < 0 ? -1 : at + found;
        }

        var quoted = false;
        var offset = 0;
        while (true)
        {
            var next = span.Slice(offset).IndexOfAny((byte)'"', (byte)'\n');
            if (next < 0)
            {
                return -1;
            }

            offset += next;
            if (span[offset] == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (!quoted)
            {
                return at + offset;
            }

            offset++;
        }
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
            var read = _data.Read(input, buffered, (int)Math.Min(input.Length - buffered, remaining));
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
            var n = _data.Read(buffer, read, count - read);
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
