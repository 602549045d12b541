using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>Scalar values: strings and numbers decoded once per distinct short token, booleans shared.</summary>
internal sealed partial class OutputReader<TObject>
{
    [MethodImpl(HotPath.Optimized)]
    private object? ReadScalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return ReadShared(ref reader, ValueCache.StringKind);
            case JsonTokenType.True:
                return BoxedTrue;
            case JsonTokenType.False:
                return BoxedFalse;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return ReadShared(ref reader, _numberKind);
            default:
                throw new JsonException("Unexpected token " + reader.TokenType.ToString());
        }
    }

    /// <summary>A string or number, decoded once per distinct short token (see <see cref="ValueCache"/>).</summary>
    [MethodImpl(HotPath.Optimized)]
    private object? ReadShared(ref Utf8JsonReader reader, int kind)
    {
        var raw = reader.ValueSpan;
        if (raw.Length > ValueCache.MaxRawBytes)
        {
            return Decode(ref reader, kind);
        }

        if (_values.TryGet(raw, kind, out var value, out var key))
        {
            return value;
        }

        value = Decode(ref reader, kind);
        _values.Set(in key, value);
        return value;
    }

    [MethodImpl(HotPath.Optimized)]
    private static object? Decode(ref Utf8JsonReader reader, int kind) => kind switch
    {
        ValueCache.StringKind => reader.GetString(),
        ValueCache.NumberTextKind => JsonNumberText.From(reader.ValueSpan),
        _ => JsonNumber.Read(ref reader),
    };

    private static readonly object BoxedTrue = true;

    private static readonly object BoxedFalse = false;
}
