using System;
using System.Runtime.CompilerServices;
using System.Text;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// Writes an <see cref="ExportRow"/> or array back as compact JSON: a JSON Lines row, or the text of
/// an array cell. Numbers keep the API's digits; strings are escaped only where JSON requires
/// (quote, backslash, control characters), so non-ASCII text stays readable UTF-8.
/// </summary>
internal sealed class CompactJson
{
    private static readonly byte[] Null = Encoding.ASCII.GetBytes("null");
    private static readonly byte[] True = Encoding.ASCII.GetBytes("true");
    private static readonly byte[] False = Encoding.ASCII.GetBytes("false");

    private readonly Utf8Buffer _buffer = new();

    /// <summary>The value as JSON UTF-8 bytes; valid until the next call.</summary>
    public ArraySegment<byte> Write(object? value)
    {
        _buffer.Clear();
        WriteValue(value);
        return _buffer.Bytes;
    }

    /// <summary>The value as JSON text.</summary>
    public string WriteText(object? value)
    {
        var bytes = Write(value);
        return Encoding.UTF8.GetString(bytes.Array!, bytes.Offset, bytes.Count);
    }

    [MethodImpl(HotPath.Optimized)]
    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                _buffer.Append(Null);
                break;
            case string text:
                _buffer.AppendJsonString(text);
                break;
            case bool flag:
                _buffer.Append(flag ? True : False);
                break;
            case JsonNumberText number:
                _buffer.AppendAscii(number.Text);
                break;
            case ExportRow row:
                _buffer.Append((byte)'{');
                var properties = row.Properties;
                for (var i = 0; i < properties.Count; i++)
                {
                    if (i > 0)
                    {
                        _buffer.Append((byte)',');
                    }

                    _buffer.AppendJsonString(properties[i].Key);
                    _buffer.Append((byte)':');
                    WriteValue(properties[i].Value);
                }

                _buffer.Append((byte)'}');
                break;
            case object?[] items:
                _buffer.Append((byte)'[');
                for (var i = 0; i < items.Length; i++)
                {
                    if (i > 0)
                    {
                        _buffer.Append((byte)',');
                    }

                    WriteValue(items[i]);
                }

                _buffer.Append((byte)']');
                break;
            default:
                throw new ArgumentException("Not a JSON value: " + value.GetType().Name, nameof(value));
        }
    }
}
