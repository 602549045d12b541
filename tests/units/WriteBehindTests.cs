using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using MeetEngage.Export;
using Xunit;

namespace MeetEngage.Tests;

public class WriteBehindTests : TempFolderTests
{
    public WriteBehindTests()
        : base("me-writebehind-units-")
    {
    }

    [Fact]
    public void Writes_the_blocks_in_order_with_what_the_caller_writes_itself_between_them()
    {
        var path = Path.Combine(Folder, "data");
        var expected = new List<byte>();
        var random = new Random(7);
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
        {
            stream.Write(new byte[] { 0xEF, 0xBB, 0xBF }, 0, 3);
            expected.AddRange(new byte[] { 0xEF, 0xBB, 0xBF });
            using var file = new WriteBehind(stream);
            var block = new byte[4096];
            var filled = 0;
            for (var i = 0; i < 300; i++)
            {
                if (i == 100)
                {
                    // As CsvWriter writes its header and first lines: lent the file, nothing queued.
                    var own = Enumerable.Range(0, 70_000).Select(n => (byte)(n * 7)).ToArray();
                    file.Borrow().Write(own, 0, own.Length);
                    file.GiveBack();
                    expected.AddRange(own);
                }

                // Room for more, keeping what is filled (a longer block past 4096 bytes), then some
                // of it handed over and the rest carried into the next block, as a row not finished.
                var more = random.Next(0, 5000);
                block = file.Exchange(block, 0, filled, filled + more);
                var bytes = new byte[more];
                random.NextBytes(bytes);
                bytes.CopyTo(block, filled);
                filled += more;

                var count = random.Next(0, filled + 1);
                expected.AddRange(block.Take(count));
                block = file.Exchange(block, count, filled - count);
                filled -= count;
                Assert.Equal(expected.Count, file.Position);
            }

            expected.AddRange(block.Take(filled));
            file.Exchange(block, filled);
            Assert.Equal(expected.Count, file.Durable());
        }

        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_failed_write_is_thrown_on_the_callers_thread_as_the_same_exception()
    {
        var stream = new ScriptedStream { FailAfterBytes = 10_000 };
        using var file = new WriteBehind(stream);
        var failure = Assert.Throws<IOException>(() =>
        {
            var block = new byte[1000];
            for (var i = 0; i < 1000; i++)
            {
                block = file.Exchange(block, 1000);
            }

            file.Durable();
        });

        Assert.Equal("No space left on device", failure.Message);
        Assert.Equal(10_000, stream.Written);

        // And again at the end: the export cannot finish as if nothing happened.
        Assert.Throws<IOException>(() => file.Durable());
    }

    [Fact]
    public async Task The_caller_waits_when_the_queue_is_full()
    {
        var stream = new ScriptedStream { Gate = new SemaphoreSlim(0) };
        var file = new WriteBehind(stream);
        try
        {
            // One block being written (held at the gate) and a full queue behind it.
            file.Exchange(new byte[10], 10);
            Assert.True(stream.Writing.Wait(TimeSpan.FromSeconds(10)));
            for (var i = 0; i < WriteBehind.MaxQueued; i++)
            {
                file.Exchange(new byte[10], 10);
            }

            var next = Task.Run(() => file.Exchange(new byte[10], 10));
            Assert.False(await Finishes(next, TimeSpan.FromMilliseconds(300)), "A write past the queue's bound did not wait.");

            stream.Gate.Release(1);
            Assert.True(await Finishes(next, TimeSpan.FromSeconds(10)));
            stream.Gate.Release(100);
            Assert.Equal(10L * (WriteBehind.MaxQueued + 2), file.Durable());
        }
        finally
        {
            stream.Gate.Release(1000);
            file.Dispose();
        }
    }

    [Fact]
    public async Task Dispose_drops_the_blocks_not_written_waits_for_the_write_under_way_and_closes_the_file()
    {
        var stream = new ScriptedStream { Gate = new SemaphoreSlim(0) };
        var file = new WriteBehind(stream);
        Task? opened = null;
        try
        {
            file.Exchange(new byte[10], 10);
            Assert.True(stream.Writing.Wait(TimeSpan.FromSeconds(10)));
            file.Exchange(new byte[20], 20);
            file.Exchange(new byte[30], 30);

            // The write under way ends a while after Dispose began.
            opened = Task.Run(async () =>
            {
                await Task.Delay(300);
                stream.Gate.Release(100);
            });
            file.Dispose();

            // Not 0: Dispose waited for the write under way; not 60: the blocks queued were dropped.
            Assert.Equal(10, stream.Written);
            Assert.True(stream.Closed);
        }
        finally
        {
            stream.Gate.Release(1000);
            if (opened is not null)
            {
                await opened;
            }
        }
    }

    [Fact]
    public void Flushes_to_the_disk_as_it_goes_so_the_end_waits_for_little()
    {
        var stream = new ScriptedStream();
        using var file = new WriteBehind(stream);
        const int Block = 1 << 20;
        var blocks = (int)(3 * WriteBehind.SyncBytes / Block) + 1;
        var block = new byte[Block];
        for (var i = 0; i < blocks; i++)
        {
            block = file.Exchange(block, Block);
        }

        file.Borrow();
        Assert.Equal(3, stream.Flushes);
        file.Durable();
        Assert.Equal(4, stream.Flushes);
        Assert.Equal((long)blocks * Block, stream.Written);
    }

    private static async Task<bool> Finishes(Task task, TimeSpan within) => await Task.WhenAny(task, Task.Delay(within)) == task;

    /// <summary>A stream that counts what it is given, can hold writes at a gate and fail after some bytes.</summary>
    private sealed class ScriptedStream : Stream
    {
        public SemaphoreSlim? Gate { get; set; }

        public SemaphoreSlim Writing { get; } = new(0);

        public long FailAfterBytes { get; set; } = long.MaxValue;

        public long Written { get; private set; }

        public int Flushes { get; private set; }

        public bool Closed { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position
        {
            get => Written;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writing.Release();
            Gate?.Wait();
            if (Written + count > FailAfterBytes)
            {
                throw new IOException("No space left on device");
            }

            Written += count;
        }

        public override void Flush() => Flushes++;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Closed = true;
            base.Dispose(disposing);
        }
    }
}
