using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MeetEngage.Json;
using Xunit;
using Xunit.Abstractions;

namespace MeetEngage.Tests;

/// <summary>
/// Random damage to real responses, read through random read sizes. Whatever the bytes, the
/// reader ends in rows or in its own InvalidData/Truncated error: never another exception,
/// never a silent short result for a cut body, never an endless loop. Seeded, so a failure
/// names a case that replays exactly.
/// </summary>
public class OutputReaderFuzzTests
{
    private readonly ITestOutputHelper _output;

    public OutputReaderFuzzTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private const int Seed = 5_2024_06;
    private const int CasesPerMutation = 2500;

    /// <summary>Error messages carry a bounded excerpt; this is well above any legitimate one.</summary>
    private const int MaxMessageChars = 700;

    /// <summary>Responses as the simulator sends them (rows picked from 'standard', 'mixed_schema', 'custom_method_basic_info' with metadata, an error body, the root).</summary>
    private static readonly string[] RealResponses =
    {
        """{"output":[{"EventId":1000,"EventName":"Graduate Insight Day","Date":"2024-01-01T00:00:00Z","Device":"Mobile","EmailAddress":"attendee0@example.com","AttendedOnlineLiveChat":"123456789","Registered":true,"Country":"GB","Sessions":0,"Score":1.25,"Reference":9007199254740993,"Notes":null,"Details":{"Source":"LinkedIn","Campaign":{"Name":"Spring","Id":7}},"Answers":[1,"two",null,true,2.5]},{"EventId":1003,"EventName":"Summer Internship Webinar","Date":"2024-01-02T03:00:00Z","Device":"Mobile","EmailAddress":"attendee3@example.com","AttendedOnlineLiveChat":"123459789","Registered":true,"Country":"FR","Sessions":3,"Score":2.11,"Reference":9007199254740996,"Notes":"She said \"hello\", then left","Details":null,"Answers":null},{"EventId":1013,"EventName":"Café Careers Evening","Date":"2024-01-05T21:00:00Z","Device":"Tablet","EmailAddress":"attendee13@example.com","AttendedOnlineLiveChat":"123469789","Registered":false,"Country":"FR","Sessions":1,"Score":1.81,"Reference":9007199254741006,"Notes":"Line one\nLine two","Details":null,"Answers":null},{"EventId":1033,"EventName":"Café Careers Evening","Date":"2024-01-13T09:00:00Z","Device":"Mobile","EmailAddress":"attendee33@example.com","AttendedOnlineLiveChat":"123489789","Registered":true,"Country":"FR","Sessions":3,"Score":1.21,"Reference":9007199254741026,"Notes":"Zoë, café — ✓ 日本","Details":null,"Answers":null},{"EventId":1043,"EventName":"Summer Internship Webinar","Date":"2024-01-17T03:00:00Z","Device":"Tablet","EmailAddress":"attendee43@example.com","AttendedOnlineLiveChat":"123499789","Registered":false,"Country":"FR","Sessions":1,"Score":4.91,"Reference":9007199254741036,"Notes":"Party 🎉 time","Details":null,"Answers":null},{"EventId":1053,"EventName":"Café Careers Evening","Date":"2024-01-20T21:00:00Z","Device":"Desktop","EmailAddress":"attendee53@example.com","AttendedOnlineLiveChat":"123509789","Registered":true,"Country":"FR","Sessions":5,"Score":4.61,"Reference":9007199254741046,"Notes":"\"Quoted\", commas, a\nnewline, a\ttab, Zoë ✓ 日本 🎉","Details":null,"Answers":null},{"EventId":1063,"EventName":"Summer Internship Webinar","Date":"2024-01-24T15:00:00Z","Device":"Desktop","EmailAddress":"attendee63@example.com","AttendedOnlineLiveChat":"123519789","Registered":true,"Country":"FR","Sessions":3,"Score":3.31,"Reference":9007199254741056,"Notes":"Back\\slash and \/slash","Details":null,"Answers":null}]}""",
        """{"output":[{"A":0,"B":"b0"},{"B":"b1","C":false},{"A":2,"D":null,"B":"b2"},{"C":false,"A":3}]}""",
        """{"output":[{"Device":"Mobile","EmailAddress":"timworks@example.com","AttendedOnlineLiveChat":"123456789","Registered":false,"Country":"GB"},{"Device":"Tablet","EmailAddress":"gmshroll@example.com","AttendedOnlineLiveChat":"123456789","Registered":true,"Country":"GB"},{"Device":"Desktop","EmailAddress":"user2@example.com","AttendedOnlineLiveChat":"123456796","Registered":false,"Country":"US"}],"warnings":["Data is 5 minutes behind"],"errors":["One event could not be read"],"meta":{"generated":"2024-06-01","page":{"n":1}}}""",
        """{"meta":{"generated":"2024-06-01"},"output":[{"Text":"caf\u00e9 \ud83c\udf89","Big":123456789012345678901234567890,"Tiny":-1.5e-300,"Empty":{},"None":[]}]}""",
        """{"error":"Unknown data method 'nosuch'"}""",
        """{"authenticated":true}""",
    };

    /// <summary>Bytes a mutation likes to write: JSON's structure, escapes, and invalid UTF-8.</summary>
    private static readonly byte[] Interesting = Encoding.ASCII.GetBytes("{}[]\":,\\ntfu0-.e\t\r\n ").Concat(new byte[] { 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF8, 0xFE, 0xFF }).ToArray();

    public enum Mutation
    {
        Truncate,
        Flip,
        Splice,
        Mixed,
    }

    [Theory]
    [InlineData(Mutation.Truncate)]
    [InlineData(Mutation.Flip)]
    [InlineData(Mutation.Splice)]
    [InlineData(Mutation.Mixed)]
    public void Every_damaged_response_ends_in_rows_or_the_readers_own_error(Mutation mutation)
    {
        var random = new Random(Seed + (int)mutation);
        var seeds = RealResponses.Select(Encoding.UTF8.GetBytes).ToArray();
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < CasesPerMutation; i++)
        {
            var original = seeds[random.Next(seeds.Length)];
            var body = Mutate(original, seeds, mutation, random);
            var chunkSeed = random.Next();
            var maxTokenBytes = random.Next(4) == 0 ? random.Next(1, 64) : OutputReader<Row>.DefaultMaxTokenBytes;
            var outcome = ReadGuarded(body, chunkSeed, maxTokenBytes, out var rows, out var failure);
            var context = string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} case {1} (chunk seed {2}, max token {3}), body (base64): {4}", mutation, i, chunkSeed, maxTokenBytes, Convert.ToBase64String(body));

            if (failure is not null)
            {
                Assert.Fail(context + Environment.NewLine + "threw " + failure.GetType().FullName + ": " + failure.Message);
            }

            outcomes[outcome] = outcomes.TryGetValue(outcome, out var seen) ? seen + 1 : 1;
            if (mutation == Mutation.Truncate && maxTokenBytes == OutputReader<Row>.DefaultMaxTokenBytes)
            {
                // A cut body never reads as complete, and what it did yield is the original's start.
                Assert.True(outcome == "Truncated", context + Environment.NewLine + "ended as " + outcome);
                var expected = ReadAtOnce(original, out _).Take(rows.Count).Select(r => r.ToString());
                Assert.Equal(expected, rows.Select(r => r.ToString()));
            }
        }

        _output.WriteLine(mutation + ": " + Describe(outcomes));

        // The run must have reached the paths it exists to test, or it proves nothing.
        Assert.True(outcomes.GetValueOrDefault("Truncated") > 0, Describe(outcomes));
        if (mutation != Mutation.Truncate)
        {
            Assert.True(outcomes.GetValueOrDefault("InvalidData") > 0, Describe(outcomes));
            Assert.True(outcomes.GetValueOrDefault("Rows") > 0, Describe(outcomes));
        }
    }

    [Fact]
    public void Real_responses_read_the_same_whatever_the_random_read_sizes()
    {
        var random = new Random(Seed);
        foreach (var response in RealResponses.Select(Encoding.UTF8.GetBytes))
        {
            var expected = ReadAtOnce(response, out var expectedOutcome).Select(r => r.ToString()).ToList();
            for (var i = 0; i < 200; i++)
            {
                var outcome = ReadGuarded(response, random.Next(), OutputReader<Row>.DefaultMaxTokenBytes, out var rows, out var failure);

                Assert.Null(failure);
                Assert.Equal(expectedOutcome, outcome);
                Assert.Equal(expected, rows.Select(r => r.ToString()));
            }
        }

        // The root's answer has no 'output': the one real response that is an error here.
        var outcomes = RealResponses.Select(r =>
        {
            ReadAtOnce(Encoding.UTF8.GetBytes(r), out var outcome);
            return outcome;
        });
        Assert.Equal(new[] { "Rows", "Rows", "Rows", "Rows", "Rows", "InvalidData" }, outcomes);
    }

    public static IEnumerable<object[]> EndlessBodies() => new[]
    {
        new object[] { "a string that never ends", "{\"output\":[{\"a\":\"", (byte)'x' },
        new object[] { "white space that never ends", "{\"output\":[", (byte)' ' },
        new object[] { "white space after the body", "{\"output\":[]}", (byte)'\n' },
        new object[] { "digits that never end", "{\"output\":[{\"a\":1", (byte)'9' },
        new object[] { "arrays that never close", "{\"output\":[{\"a\":", (byte)'[' },
    };

    [Theory]
    [MemberData(nameof(EndlessBodies))]
    public void A_body_that_never_ends_is_an_InvalidData_error_once_past_the_bounds(string what, string prefix, byte repeated)
    {
        var stream = new EndlessStream(Encoding.UTF8.GetBytes(prefix), repeated);
        using var reader = new OutputReader<Row>(stream, new RowBuilder(), maxTokenBytes: 1024 * 1024);

        var error = Assert.Throws<MeetEngageException>(() => reader.TryReadRow(out _));

        Assert.True(error.Kind == ErrorKind.InvalidData, what + ": " + error.Message);
        Assert.True(stream.BytesServed < 4 * 1024 * 1024, what + ": read " + stream.BytesServed + " bytes before stopping");
    }

    private static string Describe(Dictionary<string, int> outcomes) => string.Join(", ", outcomes.Select(o => o.Key + "=" + o.Value));

    private static List<Row> ReadAtOnce(byte[] body, out string outcome)
    {
        outcome = ReadGuarded(body, chunkSeed: 0, OutputReader<Row>.DefaultMaxTokenBytes, out var rows, out var failure, wholeReads: true);
        Assert.Null(failure);
        return rows;
    }

    /// <summary>Reads every row; any exception other than the reader's own two kinds comes back as <paramref name="failure"/>.</summary>
    private static string ReadGuarded(byte[] body, int chunkSeed, int maxTokenBytes, out List<Row> rows, out Exception? failure, bool wholeReads = false)
    {
        rows = new List<Row>();
        failure = null;
        var chunks = new Random(chunkSeed);
        var largeReads = chunks.Next(3) == 0;
        Func<int, int> chunkAt = wholeReads ? _ => body.Length : _ => largeReads ? chunks.Next(1, 4096) : chunks.Next(1, 17);
        var stream = new ReadCountingStream(new ChunkedStream(body, chunkAt), maxReads: body.Length + 16);
        try
        {
            using var reader = new OutputReader<Row>(stream, new RowBuilder(), new RecordingObserver(), maxTokenBytes);
            while (reader.TryReadRow(out var row))
            {
                rows.Add(row);
                if (rows.Count > body.Length)
                {
                    // Every row costs at least two bytes; more rows than bytes means a loop.
                    throw new InvalidOperationException("More rows than the body has bytes.");
                }
            }

            return "Rows";
        }
        catch (MeetEngageException e) when (e.Kind is ErrorKind.InvalidData or ErrorKind.Truncated)
        {
            if (e.RowsWritten != rows.Count)
            {
                failure = new InvalidOperationException("The error says " + e.RowsWritten + " rows were written, but " + rows.Count + " were.", e);
            }
            else if (e.Message.Length > MaxMessageChars)
            {
                failure = new InvalidOperationException("The error message is " + e.Message.Length + " characters long: " + e.Message, e);
            }
            else if (e.Message.Any(char.IsControl))
            {
                failure = new InvalidOperationException("The error message has control characters: " + e.Message, e);
            }

            return e.Kind.ToString();
        }
#pragma warning disable CA1031 // Catching everything is the point: any other exception is the finding.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = e;
            return "Exception";
        }
    }

    private static byte[] Mutate(byte[] original, byte[][] seeds, Mutation mutation, Random random)
    {
        switch (mutation)
        {
            case Mutation.Truncate:
                return original.Take(random.Next(original.Length)).ToArray();

            case Mutation.Flip:
                var flipped = (byte[])original.Clone();
                for (var n = random.Next(1, 5); n > 0; n--)
                {
                    var at = random.Next(flipped.Length);
                    flipped[at] = random.Next(3) switch
                    {
                        0 => (byte)(flipped[at] ^ (1 << random.Next(8))),
                        1 => Interesting[random.Next(Interesting.Length)],
                        _ => (byte)random.Next(256),
                    };
                }

                return flipped;

            case Mutation.Splice:
                var donor = seeds[random.Next(seeds.Length)];
                var from = random.Next(donor.Length);
                var piece = donor.Skip(from).Take(random.Next(1, Math.Min(200, donor.Length - from) + 1));
                var cutAt = random.Next(original.Length + 1);
                var removed = random.Next(2) == 0 ? 0 : random.Next(Math.Min(200, original.Length - cutAt) + 1);
                return original.Take(cutAt).Concat(piece).Concat(original.Skip(cutAt + removed)).ToArray();

            default:
                var body = original;
                for (var n = random.Next(1, 4); n > 0; n--)
                {
                    body = Mutate(body.Length == 0 ? original : body, seeds, (Mutation)random.Next(3), random);
                }

                return body;
        }
    }

    /// <summary>Fails the read that proves the reader kept asking after the body ended.</summary>
    private sealed class ReadCountingStream : ReadOnlyTestStream
    {
        private readonly Stream _inner;
        private readonly int _maxReads;
        private int _reads;

        public ReadCountingStream(Stream inner, int maxReads)
        {
            _inner = inner;
            _maxReads = maxReads;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Each read before the end yields at least one byte, so a reader that makes progress
            // needs at most one read per byte plus a few at the end.
            if (++_reads > _maxReads)
            {
                throw new TimeoutException("The reader kept reading after the body ended: it would never finish.");
            }

            return _inner.Read(buffer, offset, count);
        }

    }

    /// <summary>A prefix, then one byte repeated for ever, in reads of up to 64 KB: a server that never stops.</summary>
    private sealed class EndlessStream : ReadOnlyTestStream
    {
        private readonly byte[] _prefix;
        private readonly byte _repeated;

        public EndlessStream(byte[] prefix, byte repeated)
        {
            _prefix = prefix;
            _repeated = repeated;
        }

        public long BytesServed { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // A reader with no bound would read for ever; fail the test instead of hanging it.
            if (BytesServed > 64L * 1024 * 1024)
            {
                throw new TimeoutException("The reader read 64 MB of a body that never ends without stopping.");
            }

            count = Math.Min(count, 64 * 1024);
            for (var i = 0; i < count; i++)
            {
                var position = BytesServed + i;
                buffer[offset + i] = position < _prefix.Length ? _prefix[position] : _repeated;
            }

            BytesServed += count;
            return count;
        }

    }
}
