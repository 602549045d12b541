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
    private readonly IDisposable _owner;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _cancellationToken;

    /// <param name="inner">The body stream.</param>
    /// <param name="owner">Disposed to abort a read the inner stream will not cancel (older runtimes).</param>
    /// <param name="timeout">The longest silence allowed.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public TimeoutReadStream(Stream inner, IDisposable owner, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _inner = inner;
        _owner = owner;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
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
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken);
        timeout.CancelAfter(_timeout);
        using var abort = timeout.Token.Register(static state => ((IDisposable)state!).Dispose(), _owner);
        try
        {
            return _inner.ReadAsync(buffer, offset, count, timeout.Token).ConfigureAwait(false).GetAwaiter().GetResult();
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (timeout.IsCancellationRequested)
            {
                throw new MeetEngageException(FailureKind.Timeout, "Timeout", "The server sent nothing for " + _timeout.TotalSeconds + " s while the response was being read.", e);
            }

            throw new MeetEngageException(FailureKind.Connection, "ConnectionFailed", "The connection broke while the response was being read: " + e.Message, e);
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
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static bool IsReadFailure(Exception e) =>
        e is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException;
}
