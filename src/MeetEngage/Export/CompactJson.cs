using System;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// Writes an <see cref="ExportRow"/> or array back as compact JSON: a JSON Lines row, or the text of
/// an array cell. Numbers are written with the API's own digits; strings are re-escaped minimally
/// (non-ASCII text stays readable: these files are data, never HTML).
/// </summary>
internal sealed class CompactJson : IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
        SkipValidation = true,
    };

    private readonly MemoryStream _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    public CompactJson()
    {
        _writer = new Utf8JsonWriter(_buffer, Options);
    }

    /// <summary>The value as JSON UTF-8 bytes; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Write(object? value)
    {
        _buffer.SetLength(0);
        _writer.Reset(_buffer);
        WriteValue(value);
        _writer.Flush();
        return new ReadOnlyMemory<byte>(_buffer.GetBuffer(), 0, (int)_buffer.Length);
    }

    /// <summary>The value as JSON text.</summary>
    public string WriteText(object? value)
    {
        var bytes = Write(value);
        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    public void Dispose() => _writer.Dispose();

    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                _writer.WriteNullValue();
                break;
            case string text:
                _writer.WriteStringValue(text);
                break;
            case bool flag:
                _writer.WriteBooleanValue(flag);
                break;
            case JsonNumberText number:
                _writer.WriteRawValue(number.Text, skipInputValidation: true);
                break;
            case ExportRow row:
                _writer.WriteStartObject();
                foreach (var property in row.Properties)
                {
                    _writer.WritePropertyName(property.Key);
                    WriteValue(property.Value);
                }

                _writer.WriteEndObject();
                break;
            case object?[] items:
                _writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(item);
                }

                _writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException("Not a JSON value: " + value.GetType().Name, nameof(value));
        }
    }
}
