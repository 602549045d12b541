using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MeetEngage.Json;
using MeetEngage.Throttling;

namespace MeetEngage.Tests;

/// <summary>A row as an ordered list of properties, so tests see the order the reader kept.</summary>
internal sealed class Row
{
    public List<KeyValuePair<string, object?>> Properties { get; } = new();

    public object? this[string name] => Properties.Single(p => p.Key == name).Value;

    public IEnumerable<string> Names => Properties.Select(p => p.Key);

    public override string ToString() => "{" + string.Join(",", Properties.Select(p => p.Key + ":" + Format(p.Value))) + "}";

    internal static string Format(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s + "\"",
        object[] items => "[" + string.Join(",", items.Select(Format)) + "]",
        bool b => b ? "true" : "false",
        IFormattable f => f.GetType().Name + ":" + f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}

internal sealed class RowBuilder : IRowBuilder<Row>
{
    /// <summary>The expected property count the reader gave each new object, in order.</summary>
    public List<int> CapacityHints { get; } = new();

    public Row NewObject(int expectedProperties)
    {
        CapacityHints.Add(expectedProperties);
        return new();
    }

    public void Add(Row target, string name, object? value)
    {
        if (target.Properties.Any(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException("Add was called for a name the object already has: " + name);
        }

        target.Properties.Add(new(name, value));
    }

    public void Replace(Row target, string name, object? value)
    {
        var index = target.Properties.FindIndex(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase));
        target.Properties[index] = new(target.Properties[index].Key, value);
    }
}

internal sealed class RecordingObserver : IOutputObserver
{
    public List<(string Name, object? Value)> Metadata { get; } = new();

    public List<string> Anomalies { get; } = new();

    public void OnMetadata(string name, object? value) => Metadata.Add((name, value));

    public void OnAnomaly(string message) => Anomalies.Add(message);
}

/// <summary>Hands out a byte array in reads of chosen sizes, as a network stream might.</summary>
internal sealed class ChunkedStream : ReadOnlyTestStream
{
    private readonly byte[] _data;
    private readonly Func<int, int> _chunkAt;
    private int _position;
    private int _reads;

    public ChunkedStream(byte[] data, Func<int, int> chunkAt)
    {
        _data = data;
        _chunkAt = chunkAt;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var size = Math.Min(Math.Min(count, Math.Max(1, _chunkAt(_reads++))), _data.Length - _position);
        Array.Copy(_data, _position, buffer, offset, size);
        _position += size;
        return size;
    }

}

/// <summary>A clock that moves only when told; delays complete as it passes their due time.</summary>
internal sealed class FakeClock : IClock
{
    private readonly object _gate = new();
    private readonly List<(TimeSpan Due, TaskCompletionSource<bool> Done)> _waiters = new();
    private TimeSpan _now;

    public TimeSpan Elapsed
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    public DateTimeOffset UtcNow => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) + Elapsed;

    public int PendingDelays
    {
        get
        {
            lock (_gate)
            {
                return _waiters.Count(w => !w.Done.Task.IsCompleted);
            }
        }
    }

    public Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        lock (_gate)
        {
            _waiters.Add((_now + delay, done));
        }

        return done.Task;
    }

    public void Advance(TimeSpan by)
    {
        List<TaskCompletionSource<bool>> due;
        lock (_gate)
        {
            _now += by;
            due = _waiters.Where(w => w.Due <= _now).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Due <= _now);
        }

        foreach (var done in due)
        {
            done.TrySetResult(true);
        }
    }
}

/// <summary>The members a read-only, unseekable test stream does not support, written once.</summary>
internal abstract class ReadOnlyTestStream : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
