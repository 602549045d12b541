using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace MeetEngage.Export;

/// <summary>
/// Writes an export's data file on a thread of its own, so that the rows of the next block are
/// read and formatted while the last block goes to the file, and makes what it wrote durable as it
/// goes (every <see cref="SyncBytes"/>), so that the export's end does not wait for the whole file
/// to reach the disk. The writer hands over full blocks and takes empty ones; at most
/// <see cref="MaxQueued"/> wait, so memory stays bounded whatever the disk's speed. A write that
/// fails is thrown on the export's thread at its next call, as the same exception.
/// </summary>
/// <remarks>
/// While blocks are queued, only this class's thread touches the file; <see cref="Borrow"/> waits
/// until it is idle and lends the file to the caller for reading, positioning and writing of its
/// own, until <see cref="GiveBack"/> (or for good: a writer finishing its file). A failed write
/// loses the blocks after it, which is no loss: the export fails, and keeps its last checkpoint.
/// </remarks>
internal sealed class WriteBehind : IDisposable
{
    /// <summary>
    /// Blocks handed over and not yet written; a full queue makes the export wait. Enough to go on
    /// reading while a flush of <see cref="SyncBytes"/> reaches the disk (10-20 ms here, where a
    /// block fills in 2-3 ms): blocks are made only when the queue needs them.
    /// </summary>
    public const int MaxQueued = 8;

    /// <summary>How much is written between two flushes to the disk.</summary>
    public const long SyncBytes = 8L << 20;

    private readonly Stream _file;
    private readonly object _gate = new();
    private readonly Queue<Block> _queue = new();
    private readonly Stack<byte[]> _free = new();
    private Thread? _thread;
    private bool _writing;
    private bool _stopping;
    private ExceptionDispatchInfo? _failure;
    private long _unsynced;

    /// <param name="file">The data file, positioned where the blocks go (a file stream; tests give others).</param>
    public WriteBehind(Stream file)
    {
        _file = file;
        Position = file.Position;
    }

    /// <summary>The data file's length once every block handed over is written.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// Hands over the first <paramref name="count"/> bytes of <paramref name="block"/> to be written
    /// after those handed over before, and returns the block to go on with: one written already or
    /// a new one (the same block when there is nothing to write and it is long enough), at least as
    /// long as <paramref name="block"/> and <paramref name="minimumLength"/>, starting with the
    /// <paramref name="keep"/> bytes that followed the handed-over ones (a row not finished yet).
    /// The caller must not touch <paramref name="block"/> again.
    /// </summary>
    public byte[] Exchange(byte[] block, int count, int keep = 0, int minimumLength = 0)
    {
        if (count == 0 && minimumLength <= block.Length)
        {
            return block;
        }

        var next = Take(Math.Max(block.Length, minimumLength), minimumLength > block.Length ? Math.Max(block.Length * 2, minimumLength) : block.Length);
        Buffer.BlockCopy(block, count, next, 0, keep);
        if (count > 0)
        {
            Write(block, count);
        }

        return next;
    }

    /// <summary>An empty block of at least <paramref name="minimumLength"/> bytes: one written already, or a new one of <paramref name="newLength"/>.</summary>
    private byte[] Take(int minimumLength, int newLength)
    {
        lock (_gate)
        {
            while (_free.Count > 0)
            {
                var block = _free.Pop();
                if (block.Length >= minimumLength)
                {
                    return block;
                }
            }
        }

        return new byte[newLength];
    }

    private void Write(byte[] block, int count)
    {
        lock (_gate)
        {
            while (_queue.Count >= MaxQueued && _failure is null)
            {
                Monitor.Wait(_gate);
            }

            _failure?.Throw();
            _queue.Enqueue(new Block(block, count));
            Position += count;
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "MeetEngage export writer" };
                _thread.Start();
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }
    }

    /// <summary>
    /// Waits until every block handed over is written, and lends the file to the caller: for
    /// reading, or for writing of its own until <see cref="GiveBack"/>.
    /// </summary>
    public Stream Borrow()
    {
        lock (_gate)
        {
            while ((_queue.Count > 0 || _writing) && _failure is null)
            {
                Monitor.Wait(_gate);
            }

            _failure?.Throw();
        }

        return _file;
    }

    /// <summary>Ends a <see cref="Borrow"/>: blocks handed over next follow what the caller wrote.</summary>
    public void GiveBack()
    {
        Position = _file.Position;
    }

    /// <summary>Writes everything handed over and flushes the file to the disk; returns its length.</summary>
    public long Durable()
    {
        var file = Borrow();
        FlushToDisk();
        Position = file.Length;
        return Position;
    }

    /// <summary>
    /// Stops the thread, dropping blocks not yet written (an export that did not finish keeps only
    /// its last checkpoint), waits for a write under way, and closes the file.
    /// </summary>
    public void Dispose()
    {
        Thread? thread;
        lock (_gate)
        {
            _stopping = true;
            _queue.Clear();
            thread = _thread;
            Monitor.PulseAll(_gate);
        }

        thread?.Join();
        _file.Dispose();
    }

    private void Run()
    {
        while (true)
        {
            Block next;
            lock (_gate)
            {
                _writing = false;
                Monitor.PulseAll(_gate);
                while (_queue.Count == 0 && !_stopping)
                {
                    Monitor.Wait(_gate);
                }

                if (_stopping)
                {
                    return;
                }

                next = _queue.Dequeue();
                _writing = true;
            }

            try
            {
                _file.Write(next.Bytes, 0, next.Count);
                _unsynced += next.Count;
                if (_unsynced >= SyncBytes)
                {
                    FlushToDisk();
                }
            }
            catch (Exception e)
            {
                lock (_gate)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                    _queue.Clear();
                    _writing = false;
                    Monitor.PulseAll(_gate);
                }

                return;
            }

            lock (_gate)
            {
                _free.Push(next.Bytes);
            }
        }
    }

    private void FlushToDisk()
    {
        if (_file is FileStream file)
        {
            file.Flush(flushToDisk: true);
        }
        else
        {
            _file.Flush();
        }

        _unsynced = 0;
    }

    private readonly struct Block
    {
        public Block(byte[] bytes, int count)
        {
            Bytes = bytes;
            Count = count;
        }

        public byte[] Bytes { get; }

        public int Count { get; }
    }
}
