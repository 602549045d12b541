using System;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>Token mode (<see cref="IRowTokens{TObject}"/>): rows handed over as tokens and bytes, not built.</summary>
internal sealed partial class OutputReader<TObject>
{
    /// <summary>
    /// Token mode: hands one token of a row to the builder, keeping only the stack of open objects
    /// and arrays (for names and repeated keys); returns the builder's row at the row's end.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private TObject? HandleRowToken(ref Utf8JsonReader reader)
    {
        PropertyName? name = null;
        var token = reader.TokenType;
        if (_countCompactBytes)
        {
            CountCompactBytes(ref reader, token);
        }

        switch (token)
        {
            case JsonTokenType.StartObject:
                Push(Frame.ForTokenObject());
                break;

            case JsonTokenType.StartArray:
                Push(Frame.ForTokenArray());
                break;

            case JsonTokenType.PropertyName:
                NameProperty(ref reader);
                ref var top = ref _frames[_depth - 1];
                name = top.PendingName!;
                if (!top.Seen.Add(name))
                {
                    _rowRepeatsKey = true;
                    ReportRepeatedKey(name);
                }

                break;

            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                _depth--;
                _frames[_depth] = default;
                if (_depth == 0)
                {
                    _tokens!.Token(ref reader, null);
                    _phase = Phase.InOutput;
                    var end = _start + (int)reader.BytesConsumed;
                    var last = new ReadOnlySpan<byte>(_buffer, _rowStart, end - _rowStart);
                    _rowStart = -1;
                    return _countCompactBytes
                        ? _tokens.RowEnded(last, _rowRepeatsKey, _rowCompactBytes, !_rowEscaped)
                        : _tokens.RowEnded(last, _rowRepeatsKey, -1, false);
                }

                break;
        }

        _tokens!.Token(ref reader, name);
        return null;
    }

    /// <summary>Adds the token's compact length: a comma after a value, quotes, a name's colon.</summary>
    [MethodImpl(HotPath.Optimized)]
    private void CountCompactBytes(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            _rowCompactBytes++;
            _rowAfterValue = true;
            return;
        }

        var length = token is JsonTokenType.StartObject or JsonTokenType.StartArray ? 1 : reader.ValueSpan.Length;
        if (token is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            length += token == JsonTokenType.PropertyName ? 3 : 2;
            _rowEscaped |= reader.ValueIsEscaped;
        }

        _rowCompactBytes += _rowAfterValue ? length + 1 : length;
        _rowAfterValue = token is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName);
    }
}
