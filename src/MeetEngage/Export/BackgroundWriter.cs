using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace MeetEngage.Export;

/// <summary>
/// Runs a writer on a thread of its own, so that flattening, encoding and writing a row overlap
/// with parsing the next ones: rows are handed over in batches through a bounded queue, so memory
/// stays bounded (at most <see cref="MaxBatches"/> batches of <see cref="BatchRows"/> rows wait).
/// What the writer throws comes back on the caller's thread at the next call; what it wants to
/// warn about is held until then too, because PowerShell's streams belong to the pipeline thread.
/// </summary>
internal sealed class BackgroundWriter : IExportWriter
{
    private const int BatchRows = 256;
    private const int MaxBatches = 16;

    private readonly IExportWriter _inner;
    private readonly BlockingCollection<Batch> _batches = new(MaxBatches);
    private readonly ConcurrentQueue<string> _warnings;
    private readonly Action<string> _warn;
    private readonly Task _worker;
    private List<ExportRow> _batch = new(BatchRows);
    private Exception? _failure;
    private bool _disposed;

    /// <param name="create">Makes the writer, given where it must send its warnings.</param>
    public BackgroundWriter(Func<Action<string>, IExportWriter> create, Action<string> warn)
    {
        _warnings = new ConcurrentQueue<string>();
        _warn = warn;
        _inner = create(_warnings.Enqueue);
        _worker = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public long Rows => _inner.Rows;

    public IReadOnlyList<string> Columns => _inner.Columns;

    public void Write(ExportRow row)
    {
        _batch.Add(row);
        if (_batch.Count == BatchRows)
        {
            Hand();
        }
    }

    public long Checkpoint()
    {
        Drain();
        return _inner.Checkpoint();
    }

    public bool WriteFinal(string finalPath, CancellationToken cancellationToken)
    {
        Drain();
        return _inner.WriteFinal(finalPath, cancellationToken);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _batches.CompleteAdding();
        _worker.Wait();
        _batches.Dispose();
        _inner.Dispose();
    }

    private void Hand()
    {
        ThrowIfFailed();
        _batches.Add(new Batch(_batch, null));
        _batch = new List<ExportRow>(BatchRows);
        Report();
    }

    /// <summary>Waits until the writer has written every row so far; the inner writer is then idle.</summary>
    private void Drain()
    {
        if (_batch.Count > 0)
        {
            Hand();
        }

        using (var done = new ManualResetEventSlim())
        {
            _batches.Add(new Batch(null, done));
            done.Wait();
        }

        Report();
        ThrowIfFailed();
    }

    /// <summary>
    /// Writes every batch in order. After a failure it goes on taking batches without writing them,
    /// so that a producer never waits for room that would not come, and a drain always ends.
    /// </summary>
    private void Work()
    {
        foreach (var batch in _batches.GetConsumingEnumerable())
        {
            if (batch.Rows is not null && Volatile.Read(ref _failure) is null)
            {
                try
                {
                    foreach (var row in batch.Rows)
                    {
                        _inner.Write(row);
                    }
                }
                catch (Exception e)
                {
                    Volatile.Write(ref _failure, e);
                }
            }

            batch.Done?.Set();
        }
    }

    private sealed record Batch(List<ExportRow>? Rows, ManualResetEventSlim? Done);

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private void Report()
    {
        while (_warnings.TryDequeue(out var warning))
        {
            _warn(warning);
        }
    }
}
