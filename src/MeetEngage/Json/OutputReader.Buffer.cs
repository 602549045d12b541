using System;
using System.Buffers;
using System.Globalization;

namespace MeetEngage.Json;

/// <summary>How the body's bytes come in: one pooled buffer, refilled and grown up to the token bound.</summary>
internal sealed partial class OutputReader<TObject>
{
    /// <summary>
    /// Steps over a UTF-8 byte order mark at the start of the body, which some servers send
    /// and Utf8JsonReader does not accept; false while too few bytes have arrived to tell.
    /// </summary>
    private bool SkipByteOrderMark()
    {
        ReadOnlySpan<byte> mark = new byte[] { 0xEF, 0xBB, 0xBF };
        var available = new ReadOnlySpan<byte>(_buffer, _start, _end - _start);
        var compared = Math.Min(available.Length, mark.Length);
        if (available.Slice(0, compared).SequenceEqual(mark.Slice(0, compared)))
        {
            if (compared < mark.Length)
            {
                if (!_endOfStream)
                {
                    return false;
                }
            }
            else
            {
                _start += mark.Length;
            }
        }

        _checkedByteOrderMark = true;
        return true;
    }

    private void Refill()
    {
        // The reader consumes white space, so the bound is on everything since the last token:
        // a server sending white space (or one value) for ever is stopped, not read for ever.
        var remaining = _end - _start;
        var sinceLastToken = _bytesBefore + _end - _lastTokenEnd;
        if (sinceLastToken > _maxTokenBytes)
        {
            _tokenAt = BytesRead;
            throw InvalidData(
                string.Format(CultureInfo.InvariantCulture, remaining * 2 >= sinceLastToken ? "a single value is larger than {0:N0} bytes" : "more than {0:N0} bytes of white space arrived without a value", _maxTokenBytes),
                null);
        }

        if (_start > 0)
        {
            if (_rowStart >= 0)
            {
                // The current row's bytes so far go to the builder before they are dropped.
                _tokens!.RowBytes(new ReadOnlySpan<byte>(_buffer, _rowStart, _start - _rowStart));
                _rowStart = 0;
            }

            Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
            _bytesBefore += _start;
            _start = 0;
            _end = remaining;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maxTokenBytes + 1));
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        ReadMore(_buffer.Length - _end);
    }

    private void ReadMore(int count)
    {
        var read = _stream.Read(_buffer, _end, count);
        if (read <= 0)
        {
            _endOfStream = true;
            return;
        }

        var forHead = Math.Min(read, _head.Length - _headLength);
        if (forHead > 0)
        {
            Buffer.BlockCopy(_buffer, _end, _head, _headLength, forHead);
            _headLength += forHead;
        }

        _end += read;
    }

    private static bool IsJsonWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
