using System;
using System.Runtime.CompilerServices;
using System.Text;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// Encodes CSV fields as PowerShell 7's Export-Csv writes them: every field in double quotes with
/// inner quotes doubled, null as an empty unquoted field, booleans True/False, and numbers with
/// the API's own digits (never culture-formatted).
/// </summary>
internal sealed class CsvCells
{
    /// <summary>A true cell, as Export-Csv writes a true boolean.</summary>
    public static readonly byte[] TrueField = Encoding.ASCII.GetBytes("\"True\"");

    public static readonly byte[] FalseField = Encoding.ASCII.GetBytes("\"False\"");

    private readonly Utf8Buffer _buffer = new();

    public int Length => _buffer.Length;

    public ArraySegment<byte> Bytes => _buffer.Bytes;

    public void Clear() => _buffer.Clear();

    public void Separator() => _buffer.Append((byte)',');

    [MethodImpl(HotPath.Optimized)]
    public void Field(object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                _buffer.AppendCsvField(text);
                return;
            case bool flag:
                _buffer.Append(flag ? TrueField : FalseField);
                return;
            case JsonNumberText number:
                _buffer.Append((byte)'"');
                _buffer.AppendAscii(number.Text);
                _buffer.Append((byte)'"');
                return;
            default:
                throw new ArgumentException("Not a flattened cell: " + value.GetType().Name, nameof(value));
        }
    }
}
