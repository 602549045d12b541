using System;
using System.Text;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// Encodes CSV fields as PowerShell 7's Export-Csv writes them: every field in double quotes with
/// inner quotes doubled, null as an empty unquoted field, booleans True/False, and numbers with
/// the API's own digits (never culture-formatted). Appends UTF-8 to a growing buffer.
/// </summary>
internal sealed class CsvCells
{
    private static readonly byte[] TrueField = Encoding.ASCII.GetBytes("\"True\"");
    private static readonly byte[] FalseField = Encoding.ASCII.GetBytes("\"False\"");

    private byte[] _buffer = new byte[4096];

    public int Length { get; private set; }

    public ArraySegment<byte> Bytes => new(_buffer, 0, Length);

    public void Clear() => Length = 0;

    public void Separator() => Append((byte)',');

    public void Field(object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string text:
                Quoted(text);
                return;
            case bool flag:
                Append(flag ? TrueField : FalseField);
                return;
            case JsonNumberText number:
                Quoted(number.Text);
                return;
            default:
                throw new ArgumentException("Not a flattened cell: " + value.GetType().Name, nameof(value));
        }
    }

    private void Quoted(string text)
    {
        Ensure(Encoding.UTF8.GetMaxByteCount(text.Length * 2) + 2);
        _buffer[Length++] = (byte)'"';
        var from = 0;
        while (true)
        {
            var quote = text.IndexOf('"', from);
            var end = quote < 0 ? text.Length : quote + 1;
            Length += Encoding.UTF8.GetBytes(text, from, end - from, _buffer, Length);
            if (quote < 0)
            {
                break;
            }

            _buffer[Length++] = (byte)'"';
            from = end;
        }

        _buffer[Length++] = (byte)'"';
    }

    private void Append(byte b)
    {
        Ensure(1);
        _buffer[Length++] = b;
    }

    private void Append(byte[] bytes)
    {
        Ensure(bytes.Length);
        Buffer.BlockCopy(bytes, 0, _buffer, Length, bytes.Length);
        Length += bytes.Length;
    }

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}
