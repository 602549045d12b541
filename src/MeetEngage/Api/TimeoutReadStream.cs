using System;
using System.IO;
using System.Net.Http;
using System.Threading;

namespace MeetEngage.Api;

/// <summary>
/// A read-only view of a response body where each read must see data within the timeout, and
/// cancellation (Ctrl+C) stops a read at once. A stalled server becomes an error within the
/// timeout; a large but steady download is never cut short.
/// </summary>
internal sealed class TimeoutReadStream : Stream
{
    private readonly Stream _inner;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellationToken;

    // One timer for the whole body, armed for each read and disarmed after it: a body is read
    // in thousands of reads, and a fresh linked source, timer and registration per read cost
    // about 0.5 KB and a timer-queue insert and removal each time.
    private readonly CancellationTokenSource _silence;
    private readonly CancellationTokenRegistration _abort;

    /// <param name="inner">The body stream.</param>
    /// <param name="owner">Disposed on a timeout or cancellation, to abort a read the inner stream will not cancel (older runtimes).</param>
    /// <param name="timeout">The longest silence allowed.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public TimeoutReadStream(Stream inner, IDisposable owner, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _inner = inner;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        _silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _abort = _silence.Token.Register(static state => ((IDisposable)state!).Dispose(), owner);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        if (_silence.IsCancellationRequested)
        {
            // The timer fired as the previous read completed, and has aborted the response.
            throw TimedOut(null);
        }

        _silence.CancelAfter(_timeout);
        try
        {
            return _inner.ReadAsync(buffer, offset, count, _silence.Token).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (_silence.IsCancellationRequested)
            {
                throw TimedOut(e);
            }

            throw new MeetEngageException(ErrorKind.Connection, "ConnectionFailed", "The connection broke while the response was being read: " + e.Message, e);
        }
        finally
        {
            // Time spent downstream (a slow pipeline, a paused Out-Host) is no silence of the server's.
            _silence.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _abort.Dispose();
            _silence.Dispose();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private MeetEngageException TimedOut(Exception? inner) =>
        new(ErrorKind.Timeout, "Timeout", "The server sent nothing for " + _timeout.TotalSeconds + " s while the response was being read.", inner);

    private static bool IsReadFailure(Exception e) =>
        e is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException;
}
