using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// Rows as tokens: each cell is encoded into the block straight from the JSON bytes (an array
/// cell from its compact JSON, <see cref="RowJson"/>) (a string the
/// API sent without escapes is copied as is: it holds no quote to double), and its column comes
/// from <see cref="FlatPaths"/>. Rows whose cells arrive in column order, the usual case, are
/// written in place; others are laid out in column order at their end.
/// </summary>
internal sealed partial class CsvWriter
{
    private static readonly byte[] EmptyObjectCell = Encoding.ASCII.GetBytes("\"{}\"");

    private readonly FlatPaths _paths;

    // The open objects of the row (the row itself first): each one's path, the name it has in its
    // parent, and how many names it had.
    private (int Path, PropertyName? Name, int Names)[] _objects = new (int, PropertyName?, int)[8];
    private int _depth;
    private PropertyName? _pending;
    private int _position;

    // Inside an array cell: how deeply, its compact JSON so far, and its column.
    private readonly RowJson _arrayJson = new();
    private int _inArray;
    private int _arrayColumn;

    // Per column, for the row whose stamp it carries: where its cell is from _rowStart, and how long.
    private int _rowStamp;
    private int[] _cellStamp = new int[64];
    private int[] _cellAt = new int[64];
    private int[] _cellLength = new int[64];
    private int _cellColumn;
    private int _cellCount;
    private bool _inOrder;
    private bool _collided;
    private byte[] _lineScratch = new byte[4096];

    // Columns that the row being written is the first to have: made only when the row is written
    // from its tokens (a row read again as objects may not have them), each meanwhile numbered as
    // it will be: after the columns there are, in the order the row has them.
    private readonly List<(int Path, string Name)> _newColumns = new();

    [MethodImpl(HotPath.Optimized)]
    public void Token(ref Utf8JsonReader reader, PropertyName? name)
    {
        var token = reader.TokenType;
        if (_inArray > 0)
        {
            _arrayJson.Append(ref reader);
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _inArray++;
            }
            else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray && --_inArray == 0)
            {
                ArrayCell();
            }

            return;
        }

        switch (token)
        {
            case JsonTokenType.StartObject:
                if (_depth == 0)
                {
                    Open(FlatPaths.Root, null);
                }
                else
                {
                    Open(NextPath(), _pending);
                }

                return;

            case JsonTokenType.StartArray:
                _inArray = 1;
                _arrayJson.Clear();
                _arrayJson.Append(ref reader);
                _arrayColumn = ColumnOf(NextPath(), _pending!);
                return;

            case JsonTokenType.EndObject:
                var closed = _objects[--_depth];
                if (_depth > 0 && closed.Names == 0)
                {
                    BeginCell(ColumnOf(closed.Path, closed.Name!));
                    Bytes(EmptyObjectCell);
                    EndCell();
                }

                return;

            case JsonTokenType.PropertyName:
                _pending = name;
                _objects[_depth - 1].Names++;
                return;

            default:
                BeginCell(ColumnOf(NextPath(), _pending!));
                ScalarCell(ref reader);
                EndCell();
                return;
        }
    }

    [MethodImpl(HotPath.Optimized)]
    public void RowEnded(ReadOnlySpan<byte> row, ReadOnlySpan<PropertyName> names, bool repeatedKey, bool compact)
    {
        if (repeatedKey || _collided)
        {
            // Only the last value of a repeated key counts, and colliding names are renamed: the
            // objects' flattening knows both, so such a row is read again as objects.
            Write(FileRows.Parse(row));
            return;
        }

        foreach (var (path, name) in _newColumns)
        {
            _paths.SetColumn(path, _columns.IndexOf(name));
        }

        var width = _columns.Count;
        if (_inOrder)
        {
            // Cells 0 .. count-1 are in place with their commas; the rest are empty.
            var padding = _cellCount == 0 ? width - 1 : width - _cellCount;
            if (padding > 0)
            {
                Ensure(padding);
                _block.AsSpan(_used, padding).Fill((byte)',');
                _used += padding;
            }
        }
        else
        {
            LayOut(width);
        }

        EndRow(width);
    }

    public void RowStarted()
    {
        _inArray = 0;
        _rowStamp++;
        _cellCount = 0;
        _inOrder = true;
        _collided = false;
        _position = 0;
        _depth = 0;
        _newColumns.Clear();
        BeginRow();
    }

    /// <summary>The column of the cell at <paramref name="path"/>, named <paramref name="leaf"/> in the innermost open object.</summary>
    private int ColumnOf(int path, PropertyName leaf)
    {
        var column = _paths.ColumnOf(path);
        return column >= 0 ? column : NewColumn(path, leaf);
    }

    /// <summary>
    /// The column of a path that had no cell before: one there is under the same name (ignoring
    /// case), else a new one, named as this row spells it (a path is found ignoring case, and the
    /// row that makes a column names it, as when rows are flattened from objects).
    /// </summary>
    private int NewColumn(int path, PropertyName leaf)
    {
        var name = _flattener.Column(leaf.SentAs ?? leaf.Text);
        for (var level = _depth - 1; level >= 1; level--)
        {
            var parent = _objects[level].Name!;
            name = _flattener.Column(parent.SentAs ?? parent.Text) + "." + name;
        }

        var column = _columns.Find(name);
        if (column >= 0)
        {
            _paths.SetColumn(path, column);
            return column;
        }

        for (var i = 0; i < _newColumns.Count; i++)
        {
            if (string.Equals(_newColumns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return _columns.Count + i;
            }
        }

        _newColumns.Add((path, name));
        return _columns.Count + _newColumns.Count - 1;
    }

    private void Open(int path, PropertyName? name)
    {
        if (_depth == _objects.Length)
        {
            Array.Resize(ref _objects, _depth * 2);
        }

        _objects[_depth++] = (path, name, 0);
    }

    private int NextPath() => _paths.Child(_objects[_depth - 1].Path, _pending!, _position++);

    [MethodImpl(HotPath.Optimized)]
    private void BeginCell(int column)
    {
        if (column >= _cellStamp.Length)
        {
            var size = Math.Max(_cellStamp.Length * 2, column + 1);
            Array.Resize(ref _cellStamp, size);
            Array.Resize(ref _cellAt, size);
            Array.Resize(ref _cellLength, size);
        }

        if (_cellStamp[column] == _rowStamp)
        {
            _collided = true;
        }

        _cellStamp[column] = _rowStamp;
        if (_inOrder)
        {
            if (column == _cellCount)
            {
                if (column > 0)
                {
                    Byte((byte)',');
                }
            }
            else
            {
                _inOrder = false;
            }
        }

        _cellAt[column] = _used - _rowStart;
        _cellCount++;
        _cellColumn = column;
    }

    private void EndCell()
    {
        _cellLength[_cellColumn] = _used - _rowStart - _cellAt[_cellColumn];
    }

    [MethodImpl(HotPath.Optimized)]
    private void ScalarCell(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String when reader.ValueIsEscaped:
                Byte((byte)'"');
                DoublingQuotes(_arrayJson.Unescaped(ref reader));
                Byte((byte)'"');
                return;
            case JsonTokenType.String:
            case JsonTokenType.Number:
                // In quotes as sent: a string without escapes holds no quote to double.
                var value = reader.ValueSpan;
                Ensure(value.Length + 2);
                var block = _block;
                var at = _used;
                block[at++] = (byte)'"';
                value.CopyTo(new Span<byte>(block, at, value.Length));
                at += value.Length;
                block[at++] = (byte)'"';
                _used = at;
                return;
            case JsonTokenType.True:
                Bytes(CsvCells.TrueField);
                return;
            case JsonTokenType.False:
                Bytes(CsvCells.FalseField);
                return;
            default:
                // null: an empty cell, unquoted.
                return;
        }
    }

    /// <summary>The array that just closed, as one cell of its compact JSON text.</summary>
    private void ArrayCell()
    {
        BeginCell(_arrayColumn);
        Byte((byte)'"');
        DoublingQuotes(_arrayJson.Span);
        Byte((byte)'"');
        EndCell();
    }

    /// <summary>Lays the row's cells out in column order, with an empty cell for each column it lacks.</summary>
    private void LayOut(int width)
    {
        var length = 0;
        for (var column = 0; column < width; column++)
        {
            var cell = column < _cellStamp.Length && _cellStamp[column] == _rowStamp ? _cellLength[column] : 0;
            if (_lineScratch.Length < length + cell + 1)
            {
                Array.Resize(ref _lineScratch, Math.Max(_lineScratch.Length * 2, length + cell + 1));
            }

            if (column > 0)
            {
                _lineScratch[length++] = (byte)',';
            }

            if (cell > 0)
            {
                Buffer.BlockCopy(_block, _rowStart + _cellAt[column], _lineScratch, length, cell);
                length += cell;
            }
        }

        _used = _rowStart + _rowPrefix;
        Append(_lineScratch, 0, length);
    }

    private void DoublingQuotes(ReadOnlySpan<byte> text)
    {
        while (true)
        {
            var quote = text.IndexOf((byte)'"');
            if (quote < 0)
            {
                Bytes(text);
                return;
            }

            Bytes(text.Slice(0, quote + 1));
            Byte((byte)'"');
            text = text.Slice(quote + 1);
        }
    }

    private void Byte(byte b)
    {
        if (_used == _block.Length)
        {
            Ensure(1);
        }

        _block[_used++] = b;
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(new Span<byte>(_block, _used, bytes.Length));
        _used += bytes.Length;
    }
}
