using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using MeetEngage.Export;
using Xunit;

namespace MeetEngage.Tests;

public class BackgroundWriterTests
{
    [Fact]
    public void Writes_every_row_in_order_across_checkpoints_and_warns_on_the_callers_thread()
    {
        var caller = Environment.CurrentManagedThreadId;
        var warnedOn = new List<int>();
        var inner = new RecordingWriter();
        using (var writer = new BackgroundWriter(warn => inner.WithWarnings(warn), _ => warnedOn.Add(Environment.CurrentManagedThreadId)))
        {
            for (var i = 0; i < 1000; i++)
            {
                writer.Write(Row(i));
            }

            writer.Checkpoint();
            Assert.Equal(1000, writer.Rows);
            for (var i = 1000; i < 2500; i++)
            {
                writer.Write(Row(i));
            }

            writer.WriteFinal("unused", default);
            Assert.Equal(2500, writer.Rows);
        }

        Assert.Equal(2500, inner.Seen.Count);
        for (var i = 0; i < inner.Seen.Count; i++)
        {
            Assert.Equal(i, inner.Seen[i]);
        }

        Assert.NotEmpty(warnedOn);
        Assert.All(warnedOn, thread => Assert.Equal(caller, thread));
    }

    [Fact]
    public void A_failure_of_the_writer_comes_back_to_the_caller_and_never_blocks_it()
    {
        var inner = new RecordingWriter { FailAt = 10 };
        using var writer = new BackgroundWriter(warn => inner.WithWarnings(warn), _ => { });
        var failure = Assert.Throws<IOException>(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                writer.Write(Row(i));
            }

            writer.Checkpoint();
        });
        Assert.Equal("disk full", failure.Message);
    }

    private static ExportRow Row(int i)
    {
        var row = new ExportRow(1);
        row.Properties.Add(new KeyValuePair<string, object?>("i", i));
        return row;
    }

    private sealed class RecordingWriter : IExportWriter
    {
        private Action<string> _warn = _ => { };

        public List<int> Seen { get; } = new();

        public int FailAt { get; set; } = -1;

        public long Rows => Seen.Count;

        public IReadOnlyList<string> Columns => new[] { "i" };

        public RecordingWriter WithWarnings(Action<string> warn)
        {
            _warn = warn;
            return this;
        }

        public void Write(ExportRow row)
        {
            var i = (int)row.Properties[0].Value!;
            if (i == FailAt)
            {
                throw new IOException("disk full");
            }

            if (i % 500 == 0)
            {
                _warn("row " + i);
            }

            Seen.Add(i);
        }

        public long Checkpoint() => Seen.Count;

        public bool WriteFinal(string finalPath, CancellationToken cancellationToken) => true;

        public void Dispose()
        {
        }
    }
}
