using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>The stack of open objects and arrays that a row is built on.</summary>
internal sealed partial class OutputReader<TObject>
{
    /// <summary>
    /// Feeds one token to the stack of open objects and arrays; returns true with the outermost
    /// value when it closes. An explicit stack, so depth costs no call stack.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private bool Accept(ref Utf8JsonReader reader, out object? finished)
    {
        finished = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                Push(Frame.ForObject(_builder.NewObject(_widths[_depth])));
                return false;

            case JsonTokenType.StartArray:
                Push(Frame.ForArray());
                return false;

            case JsonTokenType.PropertyName:
                NameProperty(ref reader);
                return false;

            case JsonTokenType.EndObject:
            case JsonTokenType.EndArray:
                _depth--;
                if (_frames[_depth].Array is null)
                {
                    _widths[_depth] = _frames[_depth].Width;
                }

                var value = _frames[_depth].Complete();
                _frames[_depth] = default;
                if (_depth == 0)
                {
                    finished = value;
                    return true;
                }

                Store(value);
                return false;

            default:
                Store(_phase == Phase.InMetadata ? RedactMetadata(ReadScalar(ref reader)) : ReadScalar(ref reader));
                return false;
        }
    }

    [MethodImpl(HotPath.Optimized)]
    private void Push(Frame frame)
    {
        if (_depth == _frames.Length)
        {
            Array.Resize(ref _frames, _depth * 2);
            Array.Resize(ref _widths, _depth * 2);
        }

        _frames[_depth++] = frame;
    }

    /// <summary>An open object or array while its tokens arrive.</summary>
    private struct Frame
    {
        public object? Object;
        public List<object?>? Array;
        public PropertyName? PendingName;
        public SlotSet Seen;
        public int Width;

        public static Frame ForObject(object value) => new() { Object = value, Seen = new SlotSet() };

        public static Frame ForArray() => new() { Array = new List<object?>() };

        /// <summary>Token mode: an object whose names are tracked but which nothing is built for.</summary>
        public static Frame ForTokenObject() => new() { Seen = new SlotSet() };

        /// <summary>Token mode: an array, which holds no names.</summary>
        public static Frame ForTokenArray() => default;

        public readonly object? Complete() => Array is not null ? Array.ToArray() : Object;
    }
}
