using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using MeetEngage.Api;
using Xunit;

namespace MeetEngage.Tests;

public class TimeoutReadStreamTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(600);

    [Fact]
    public void A_server_that_goes_silent_mid_body_is_a_Timeout_error()
    {
        using var stream = new TimeoutReadStream(new ScriptedStream(Step.Data(10), Step.Silent()), new DisposalProbe(), Silence, CancellationToken.None);
        var buffer = new byte[64];

        Assert.Equal(10, stream.Read(buffer, 0, buffer.Length));
        var error = Assert.Throws<MeetEngageException>(() => stream.Read(buffer, 0, buffer.Length));

        Assert.Equal(ErrorKind.Timeout, error.Kind);
    }

    [Fact]
    public void A_read_that_ignores_cancellation_is_ended_by_releasing_the_response()
    {
        // As on runtimes whose response streams do not observe the token: only disposing the
        // response ends the read.
        var owner = new DisposalProbe();
        using var stream = new TimeoutReadStream(new ScriptedStream(owner, Step.Data(10), Step.SilentUntilReleased()), owner, Silence, CancellationToken.None);
        var buffer = new byte[64];

        Assert.Equal(10, stream.Read(buffer, 0, buffer.Length));
        var error = Assert.Throws<MeetEngageException>(() => stream.Read(buffer, 0, buffer.Length));

        Assert.Equal(ErrorKind.Timeout, error.Kind);
        Assert.True(owner.Disposed);
    }

    [Fact]
    public void Time_the_caller_spends_between_reads_is_not_the_server_s_silence()
    {
        var inner = new ScriptedStream(Step.Data(10), Step.Data(20), Step.End());
        var owner = new DisposalProbe();
        using var stream = new TimeoutReadStream(inner, owner, Silence, CancellationToken.None);
        var buffer = new byte[64];

        Assert.Equal(10, stream.Read(buffer, 0, buffer.Length));
        Thread.Sleep(Silence + Silence);
        Assert.Equal(20, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(0, stream.Read(buffer, 0, buffer.Length));
        Assert.False(owner.Disposed);
    }

    [Fact]
    public void The_allowed_silence_is_per_read_so_a_long_steady_body_is_never_cut_short()
    {
        // Each read comes far within the allowed silence (a twelfth of it, so a busy machine's late
        // wake-ups do not matter); all of them together take longer than it.
        var steps = new Step[17];
        for (var i = 0; i < steps.Length - 1; i++)
        {
            steps[i] = Step.Data(5, after: TimeSpan.FromMilliseconds(50));
        }

        steps[steps.Length - 1] = Step.End();
        using var stream = new TimeoutReadStream(new ScriptedStream(steps), new DisposalProbe(), Silence, CancellationToken.None);
        var buffer = new byte[64];
        var total = 0;
        int read;

        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
        }

        Assert.Equal(80, total);
    }

    [Fact]
    public void Cancelling_stops_even_a_read_deaf_to_cancellation_as_a_cancellation_not_a_timeout()
    {
        using var cancellation = new CancellationTokenSource();
        var owner = new DisposalProbe();
        using var stream = new TimeoutReadStream(new ScriptedStream(owner, Step.SilentUntilReleased()), owner, TimeSpan.FromMinutes(5), cancellation.Token);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(100));

        Assert.ThrowsAny<OperationCanceledException>(() => stream.Read(new byte[8], 0, 8));
    }

    private sealed class DisposalProbe : IDisposable
    {
        private readonly TaskCompletionSource<bool> _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Disposed => _disposed.Task.IsCompleted;

        public Task WhenDisposed => _disposed.Task;

        public void Dispose() => _disposed.TrySetResult(true);
    }

    private readonly struct Step
    {
        private Step(int bytes, TimeSpan after, bool silent, bool untilReleased = false)
        {
            Bytes = bytes;
            After = after;
            IsSilent = silent;
            UntilReleased = untilReleased;
        }

        public int Bytes { get; }

        public TimeSpan After { get; }

        public bool IsSilent { get; }

        public bool UntilReleased { get; }

        public static Step Data(int bytes, TimeSpan after = default) => new(bytes, after, false);

        public static Step End() => new(0, TimeSpan.Zero, false);

        /// <summary>Sends nothing until the read is cancelled.</summary>
        public static Step Silent() => new(0, TimeSpan.Zero, true);

        /// <summary>Sends nothing, deaf to cancellation, until the response is released; then fails as a closed connection does.</summary>
        public static Step SilentUntilReleased() => new(0, TimeSpan.Zero, true, untilReleased: true);
    }

    /// <summary>Answers each read with the next step: some bytes (perhaps after a pause), the end, or silence.</summary>
    private sealed class ScriptedStream : ReadOnlyTestStream
    {
        private readonly Step[] _steps;
        private readonly DisposalProbe? _response;
        private int _next;

        public ScriptedStream(params Step[] steps) => _steps = steps;

        public ScriptedStream(DisposalProbe response, params Step[] steps)
        {
            _response = response;
            _steps = steps;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => NextAsync(count, cancellationToken);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(NextAsync(buffer.Length, cancellationToken));

        private async Task<int> NextAsync(int count, CancellationToken cancellationToken)
        {
            var step = _steps[Math.Min(_next++, _steps.Length - 1)];
            if (step.UntilReleased)
            {
                await _response!.WhenDisposed;
                throw new IOException("The connection was closed.");
            }

            if (step.IsSilent)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (step.After > TimeSpan.Zero)
            {
                // A server that takes its time, blocking so that no thread-pool delay adds to it.
                Thread.Sleep(step.After);
            }

            return Math.Min(step.Bytes, count);
        }

    }
}
