using System;
using System.Runtime.CompilerServices;
using System.Text;

namespace MeetEngage.Export;

/// <summary>
/// A growing UTF-8 byte buffer for one line of output (a CSV row, a JSON Lines row), with the two
/// text encodings the writers need: a CSV field (quotes doubled) and a JSON string (minimal escapes).
/// </summary>
/// <remarks>
/// The reader shares the string instances of repeated short values ("Mobile", "GB") and of property
/// names across rows, so the encoded bytes of a string are remembered by reference in a small
/// direct-mapped table: a repeated value costs a hash and a copy instead of a transcode.
/// </remarks>
internal sealed class Utf8Buffer
{
    private const int CacheBits = 10;
    private const int MaxCachedChars = 32;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly string?[] _cachedText = new string?[1 << CacheBits];
    private readonly byte[]?[] _cachedBytes = new byte[1 << CacheBits][];
    private byte[] _buffer = new byte[4096];

    public int Length { get; private set; }

    public ArraySegment<byte> Bytes => new(_buffer, 0, Length);

    public void Clear() => Length = 0;

    public void Append(byte b)
    {
        Ensure(1);
        _buffer[Length++] = b;
    }

    public void Append(byte[] bytes)
    {
        Ensure(bytes.Length);
        Buffer.BlockCopy(bytes, 0, _buffer, Length, bytes.Length);
        Length += bytes.Length;
    }

    /// <summary>ASCII text as is (JSON number text).</summary>
    public void AppendAscii(string text)
    {
        Ensure(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            _buffer[Length++] = (byte)text[i];
        }
    }

    /// <summary>The text as a CSV field: in double quotes, inner quotes doubled.</summary>
    public void AppendCsvField(string text) => AppendEncoded(text, csv: true);

    /// <summary>The text as a JSON string: in double quotes, only what JSON requires escaped.</summary>
    public void AppendJsonString(string text) => AppendEncoded(text, csv: false);

    [MethodImpl(HotPath.Optimized)]
    private void AppendEncoded(string text, bool csv)
    {
        if (text.Length > MaxCachedChars)
        {
            Encode(text, csv);
            return;
        }

        var slot = RuntimeHelpers.GetHashCode(text) & ((1 << CacheBits) - 1);
        if (ReferenceEquals(_cachedText[slot], text))
        {
            Append(_cachedBytes[slot]!);
            return;
        }

        var start = Length;
        Encode(text, csv);
        var bytes = new byte[Length - start];
        Buffer.BlockCopy(_buffer, start, bytes, 0, bytes.Length);
        _cachedText[slot] = text;
        _cachedBytes[slot] = bytes;
    }

    [MethodImpl(HotPath.Optimized)]
    private void Encode(string text, bool csv)
    {
        // Worst case: every char a 6-byte JSON escape, or 3 UTF-8 bytes doubled.
        Ensure((text.Length * 6) + 2);
        _buffer[Length++] = (byte)'"';
        var from = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (csv ? c != '"' : (c >= 0x20 && c != '"' && c != '\\' && !char.IsSurrogate(c)))
            {
                continue;
            }

            if (!csv && char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                // A proper pair is plain UTF-8; only a lone surrogate needs its \u escape.
                i++;
                continue;
            }

            Length += Utf8.GetBytes(text, from, i - from, _buffer, Length);
            from = i + 1;
            if (csv)
            {
                _buffer[Length++] = (byte)'"';
                _buffer[Length++] = (byte)'"';
            }
            else
            {
                Escape(c);
            }
        }

        Length += Utf8.GetBytes(text, from, text.Length - from, _buffer, Length);
        _buffer[Length++] = (byte)'"';
    }

    private void Escape(char c) => Length += Escape(c, _buffer, Length);

    /// <summary>Writes the JSON escape of <paramref name="c"/> at <paramref name="at"/>; returns its length.</summary>
    public static int Escape(char c, byte[] buffer, int at)
    {
        var start = at;
        buffer[at++] = (byte)'\\';
        switch (c)
        {
            case '"': buffer[at++] = (byte)'"'; break;
            case '\\': buffer[at++] = (byte)'\\'; break;
            case '\n': buffer[at++] = (byte)'n'; break;
            case '\r': buffer[at++] = (byte)'r'; break;
            case '\t': buffer[at++] = (byte)'t'; break;
            case '\b': buffer[at++] = (byte)'b'; break;
            case '\f': buffer[at++] = (byte)'f'; break;
            default:
                buffer[at++] = (byte)'u';
                buffer[at++] = Hex(c >> 12);
                buffer[at++] = Hex((c >> 8) & 0xF);
                buffer[at++] = Hex((c >> 4) & 0xF);
                buffer[at++] = Hex(c & 0xF);
                break;
        }

        return at - start;
    }

    private static byte Hex(int digit) => (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);

    private void Ensure(int more)
    {
        if (Length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + more));
        }
    }
}
