using System;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>Token mode (<see cref="IRowTokens{TObject}"/>): rows handed over as tokens and bytes, not built.</summary>
internal sealed partial class OutputReader<TObject>
{
    /// <summary>Token mode: a row begins with its own <c>{</c>, its first token.</summary>
    private void StartRowTokens(ref Utf8JsonReader reader)
    {
        _rowRepeatsKey = false;
        _rowStart = _start + (int)reader.TokenStartIndex;
        _rowCompactBytes = 1;
        _rowEscaped = false;
        _rowAfterValue = false;
        _rowNameCount = 0;
        _tokens!.RowStarted();
        Push(Frame.ForTokenObject());
        if (_wantsTokens)
        {
            _tokens!.Token(ref reader, null);
        }
    }

    /// <summary>
    /// Token mode: reads the current row's tokens, keeping only the stack of open objects and arrays
    /// (for names and repeated keys) and the row's compact length, and hands them to the builder.
    /// True with the builder's row when the row's <c>}</c> came; false when the reader needs more
    /// of the body. One loop with the counts in locals: these are most of an export's tokens.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private bool ReadRowTokens(ref Utf8JsonReader reader, out TObject? row, ref long tokenEnd)
    {
        var tokens = _tokens!;
        var wantsTokens = _wantsTokens;
        var countCompact = _countCompactBytes;
        var compactBytes = _rowCompactBytes;
        var afterValue = _rowAfterValue;
        var escaped = _rowEscaped;
        while (reader.Read())
        {
            tokenEnd = reader.BytesConsumed;
            var token = reader.TokenType;
            if (countCompact)
            {
                // A comma after a value, quotes, a name's colon.
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    compactBytes++;
                    afterValue = true;
                }
                else
                {
                    var length = 1;
                    if (token is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
                    {
                        length = reader.ValueSpan.Length;
                        if (token == JsonTokenType.String)
                        {
                            length += 2;
                            escaped |= reader.ValueIsEscaped;
                        }
                        else if (token == JsonTokenType.PropertyName)
                        {
                            length += 3;
                            escaped |= reader.ValueIsEscaped;
                        }
                    }

                    compactBytes += afterValue ? length + 1 : length;
                    afterValue = token is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName);
                }
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
                    var name = top.PendingName!;
                    if (!top.Seen.Add(name))
                    {
                        _rowRepeatsKey = true;
                        ReportRepeatedKey(name);
                    }

                    if (wantsTokens)
                    {
                        tokens.Token(ref reader, name);
                    }
                    else if (_depth == 1)
                    {
                        if (_rowNameCount == _rowNames.Length)
                        {
                            Array.Resize(ref _rowNames, _rowNameCount * 2);
                        }

                        _rowNames[_rowNameCount++] = name;
                    }

                    continue;

                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    _depth--;
                    _frames[_depth] = default;
                    if (_depth == 0)
                    {
                        if (wantsTokens)
                        {
                            tokens.Token(ref reader, null);
                        }

                        _phase = Phase.InOutput;
                        var end = _start + (int)reader.BytesConsumed;
                        var last = new ReadOnlySpan<byte>(_buffer, _rowStart, end - _rowStart);
                        _rowStart = -1;
                        var names = new ReadOnlySpan<PropertyName>(_rowNames, 0, _rowNameCount);
                        row = countCompact
                            ? tokens.RowEnded(last, names, _rowRepeatsKey, compactBytes, !escaped)
                            : tokens.RowEnded(last, names, _rowRepeatsKey, -1, false);
                        return true;
                    }

                    break;
            }

            if (wantsTokens)
            {
                tokens.Token(ref reader, null);
            }
        }

        _rowCompactBytes = compactBytes;
        _rowAfterValue = afterValue;
        _rowEscaped = escaped;
        row = null;
        return false;
    }
}
