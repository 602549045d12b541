using System;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MeetEngage.Export;

/// <summary>
/// JSON made compact from its tokens: a JSON Lines line when the body's row had white space or
/// escapes, and the text of a CSV array cell. Byte for byte what <see cref="CompactJson"/> writes
/// for the same value: keys as sent, numbers with their digits, strings escaped only where JSON requires
/// (a string the API sent without escapes is copied as it is: it cannot hold anything to escape).
/// </summary>
internal sealed class RowJson
{
    private byte[] _bytes = new byte[4096];
    private byte[] _unescaped = new byte[256];

    // Whether the last token ended a value, so that the next one needs a comma first.
    private bool _afterValue;

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => new(_bytes, 0, Length);

    public void Clear()
    {
        Length = 0;
        _afterValue = false;
    }

    /// <summary>Makes this the compact form of <paramref name="json"/>, one whole JSON value.</summary>
    public void Rewrite(ReadOnlySpan<byte> json)
    {
        Clear();
        var reader = new Utf8JsonReader(json, isFinalBlock: true, state: default);
        while (reader.Read())
        {
            Append(ref reader);
        }
    }

    [MethodImpl(HotPath.Optimized)]
    public void Append(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            Byte(token == JsonTokenType.EndObject ? (byte)'}' : (byte)']');
            _afterValue = true;
            return;
        }

        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            Ensure(2);
            if (_afterValue)
            {
                _bytes[Length++] = (byte)',';
            }

            _bytes[Length++] = token == JsonTokenType.StartObject ? (byte)'{' : (byte)'[';
            _afterValue = false;
            return;
        }

        var isName = token == JsonTokenType.PropertyName;
        if ((token == JsonTokenType.String || isName) && reader.ValueIsEscaped)
        {
            if (_afterValue)
            {
                Byte((byte)',');
            }

            EscapedString(ref reader);
        }
        else
        {
            // One copy with its comma, quotes and colon: strings the API sent without escapes
            // (which hold nothing to escape), numbers as sent, and true, false and null.
            var value = reader.ValueSpan;
            Ensure(value.Length + 4);
            var bytes = _bytes;
            var at = Length;
            if (_afterValue)
            {
                bytes[at++] = (byte)',';
            }

            var quoted = token != JsonTokenType.Number && (isName || token == JsonTokenType.String);
            if (quoted)
            {
                bytes[at++] = (byte)'"';
            }

            value.CopyTo(new Span<byte>(bytes, at, value.Length));
            at += value.Length;
            if (quoted)
            {
                bytes[at++] = (byte)'"';
            }

            Length = at;
        }

        if (isName)
        {
            Byte((byte)':');
            _afterValue = false;
        }
        else
        {
            _afterValue = true;
        }
    }

    /// <summary>A string's bytes without its quotes or escapes, valid until the next call.</summary>
    [MethodImpl(HotPath.Optimized)]
    public ReadOnlySpan<byte> Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        // Unescaping never makes a string longer.
        if (_unescaped.Length < reader.ValueSpan.Length)
        {
            _unescaped = new byte[Math.Max(reader.ValueSpan.Length, _unescaped.Length * 2)];
        }

        var length = reader.CopyString(_unescaped);
        return new ReadOnlySpan<byte>(_unescaped, 0, length);
    }

    private void EscapedString(ref Utf8JsonReader reader)
    {
        var text = Unescaped(ref reader);
        Ensure((text.Length * 6) + 2);
        _bytes[Length++] = (byte)'"';
        foreach (var b in text)
        {
            if (b >= 0x20 && b != '"' && b != '\\')
            {
                _bytes[Length++] = b;
            }
            else
            {
                Length += Utf8Buffer.Escape((char)b, _bytes, Length);
            }
        }

        _bytes[Length++] = (byte)'"';
    }

    private void Byte(byte b)
    {
        if (Length == _bytes.Length)
        {
            Ensure(1);
        }

        _bytes[Length++] = b;
    }

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
        }
    }
}
