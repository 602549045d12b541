using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MeetEngage.Api;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

public class OutputReaderTests
{
    private const string Body = """
        {"meta":{"generated":"2024-06-01"},"warnings":["slow"],
         "output":[
          {"Device":"Mobile","EmailAddress":"tim@example.com","AttendedOnlineLiveChat":"123456789","Registered":false,"Country":"GB"},
          {"Device":"Tablet","Registered":true,"Sessions":3,"Score":4.25,"Big":9007199254740993,"Huge":123456789012345678901234567890123,"Tiny":1e-30,"Notes":null,
           "Text":"He said \"hi\", then\nleft \u00e9 Zoë 日本 😀","Details":{"Source":"LinkedIn","Campaign":{"Name":"Spring","Id":7}},"Answers":[1,"two",null,true,2.5,[],{}]},
          {}
         ],
         "after":1}
        """;

    [Fact]
    public void Reads_rows_in_order_with_the_API_property_order_and_mapped_types()
    {
        var (rows, observer) = ReadAll(Encoding.UTF8.GetBytes(Body), _ => 4096);

        Assert.Equal(3, rows.Count);
        Assert.Equal(new[] { "Device", "EmailAddress", "AttendedOnlineLiveChat", "Registered", "Country" }, rows[0].Names);
        Assert.Equal("123456789", rows[0]["AttendedOnlineLiveChat"]);
        Assert.Equal(false, rows[0]["Registered"]);
        var second = rows[1];
        Assert.IsType<int>(second["Sessions"]);
        Assert.Equal(4.25m, second["Score"]);
        Assert.Equal(9007199254740993L, second["Big"]);
        Assert.IsType<double>(second["Huge"]);
        Assert.Equal(1e-30, second["Tiny"]);
        Assert.Null(second["Notes"]);
        Assert.Equal("He said \"hi\", then\nleft é Zoë 日本 😀", second["Text"]);
        var details = Assert.IsType<Row>(second["Details"]);
        Assert.Equal("LinkedIn", details["Source"]);
        Assert.Equal(7, Assert.IsType<Row>(details["Campaign"])["Id"]);
        var answers = Assert.IsType<object[]>(second["Answers"]);
        Assert.Equal(new object?[] { 1, "two", null, true, 2.5m }, answers.Take(5));
        Assert.Empty(Assert.IsType<object[]>(answers[5]));
        Assert.Empty(Assert.IsType<Row>(answers[6]).Properties);
        Assert.Empty(rows[2].Properties);
        Assert.Equal(new[] { "meta", "warnings", "after" }, observer.Metadata.Select(m => m.Name));
    }

    public static IEnumerable<object[]> ChunkSizes() => new[] { 1, 2, 3, 5, 7, 13, 64, 100, 1000 }.Select(size => new object[] { size });

    [Theory]
    [MemberData(nameof(ChunkSizes))]
    public void The_same_rows_come_out_whatever_the_read_sizes(int chunk)
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var expected = Render(ReadAll(bytes, _ => bytes.Length).Rows);

        Assert.Equal(expected, Render(ReadAll(bytes, _ => chunk).Rows));
    }

    [Fact]
    public void The_same_rows_come_out_for_every_split_into_two_reads()
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var expected = Render(ReadAll(bytes, _ => bytes.Length).Rows);
        for (var split = 1; split < bytes.Length; split++)
        {
            var first = split;
            Assert.Equal(expected, Render(ReadAll(bytes, read => read == 0 ? first : bytes.Length).Rows));
        }
    }

    [Fact]
    public void A_buffer_much_larger_than_the_initial_one_streams_every_row()
    {
        var body = new StringBuilder("{\"output\":[");
        for (var i = 0; i < 20000; i++)
        {
            body.Append(i == 0 ? string.Empty : ",").Append("{\"Id\":").Append(i).Append(",\"Name\":\"row ").Append(i).Append("\"}");
        }

        body.Append("]}");
        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes(body.ToString()), read => 1000 + (read * 37 % 5000));

        Assert.Equal(20000, rows.Count);
        Assert.Equal(Enumerable.Range(0, 20000), rows.Select(r => (int)r["Id"]!));
    }

    [Fact]
    public void A_value_longer_than_the_initial_buffer_is_read_whole()
    {
        var text = new string('x', 300_000);
        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes("{\"output\":[{\"Long\":\"" + text + "\"}]}"), _ => 7000);

        Assert.Equal(text, rows.Single()["Long"]);
    }

    [Theory]
    [InlineData("{\"output\":[{\"a\":1},{\"b\":", 1)]
    [InlineData("{\"output\":[{\"a\":1}", 1)]
    [InlineData("{\"output\":[", 0)]
    [InlineData("{\"output\":[{\"a\":1},{\"b\":2}]", 2)]
    [InlineData("", 0)]
    public void A_body_that_ends_early_is_a_truncation_error_that_counts_the_rows(string body, int rowsBefore)
    {
        var reader = new OutputReader<Row>(new MemoryStream(Encoding.UTF8.GetBytes(body)), new RowBuilder());
        var rows = 0;
        var error = Assert.Throws<MeetEngageException>(() =>
        {
            while (reader.TryReadRow(out _))
            {
                rows++;
            }
        });

        Assert.Equal(ErrorKind.Truncated, error.Kind);
        Assert.Equal(rowsBefore, rows);
        Assert.Equal(rowsBefore, error.RowsWritten);
        Assert.Contains(rowsBefore + " rows", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "'<html><body>502 Bad Gateway")]
    [InlineData("{\"output\":{\"a\":1}}", "not an array")]
    [InlineData("{\"output\":[1,\"x\"]}", "row 1 of 'output' is a number")]
    [InlineData("{\"output\":[{\"a\":1},[2]]}", "row 2 of 'output' is an array")]
    [InlineData("{\"something\":\"else\"}", "no 'output' array")]
    [InlineData("[{\"a\":1}]", "not a JSON object")]
    [InlineData("{\"output\":[]} trailing", "(at byte 14, after 0 rows)")]
    [InlineData("{\"output\":[{\"a\":tru}]}", "malformed JSON")]
    [InlineData("{\"output\":[],\"output\":[]}", "more than one 'output'")]
    public void A_body_that_is_not_the_API_shape_is_an_InvalidData_error(string body, string expected)
    {
        var error = Assert.Throws<MeetEngageException>(() => ReadAll(Encoding.UTF8.GetBytes(body), _ => 3));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("InvalidResponse", error.ErrorId);
        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Invalid_UTF8_in_a_value_is_an_InvalidData_error()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"output\":[{\"a\":\"xx\"}]}");
        bytes[17] = 0xFF;

        var error = Assert.Throws<MeetEngageException>(() => ReadAll(bytes, _ => 64));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void Nesting_deeper_than_the_bound_is_an_InvalidData_error_not_a_stack_overflow()
    {
        var body = "{\"output\":[{\"a\":" + new string('[', 100_000) + new string(']', 100_000) + "}]}";

        var error = Assert.Throws<MeetEngageException>(() => ReadAll(Encoding.UTF8.GetBytes(body), _ => 8192));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void A_single_value_larger_than_the_bound_is_an_InvalidData_error()
    {
        var body = "{\"output\":[{\"a\":\"" + new string('x', 200_000) + "\"}]}";
        var reader = new OutputReader<Row>(new MemoryStream(Encoding.UTF8.GetBytes(body)), new RowBuilder(), maxTokenBytes: 65_536);

        var error = Assert.Throws<MeetEngageException>(() => reader.TryReadRow(out _));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_body_without_output_reports_the_error_and_no_rows()
    {
        var (rows, observer) = ReadAll(Encoding.UTF8.GetBytes("{\"error\":\"Unknown data method\"}"), _ => 5);

        Assert.Empty(rows);
        Assert.Equal(("error", (object?)"Unknown data method"), observer.Metadata.Single());
    }

    [Fact]
    public void A_repeated_name_keeps_the_last_value_in_the_first_position_and_is_reported_once()
    {
        var (rows, observer) = ReadAll(Encoding.UTF8.GetBytes("{\"output\":[{\"a\":1,\"b\":2,\"A\":3},{\"a\":1,\"a\":2}]}"), _ => 5);

        Assert.Equal("{a:Int32:3,b:Int32:2}", rows[0].ToString());
        Assert.Equal("{a:Int32:2}", rows[1].ToString());
        Assert.Single(observer.Anomalies);
    }

    [Fact]
    public void Escaped_property_names_are_decoded_and_reused()
    {
        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes("{\"output\":[{\"caf\\u00e9\":1},{\"caf\\u00e9\":2}]}"), _ => 4);

        Assert.All(rows, row => Assert.Equal("café", row.Names.Single()));
        Assert.Same(rows[0].Names.Single(), rows[1].Names.Single());
    }

    [Fact]
    public void A_body_without_output_shows_how_it_began_although_it_was_read_to_the_end()
    {
        var error = Assert.Throws<MeetEngageException>(() => ReadAll(Encoding.UTF8.GetBytes("{\"something\":\"else\"}"), _ => 4));

        Assert.Contains("no 'output' array", error.Message, StringComparison.Ordinal);
        Assert.Contains("It began: '{\"something\":\"else\"}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_far_into_the_body_shows_the_bytes_there_not_the_start()
    {
        var body = new StringBuilder("{\"output\":[");
        for (var i = 0; i < 500; i++)
        {
            body.Append("{\"Id\":").Append(i).Append("},");
        }

        body.Append("\"not a row\"]}");
        var error = Assert.Throws<MeetEngageException>(() => ReadAll(Encoding.UTF8.GetBytes(body.ToString()), _ => 777));

        Assert.Contains("row 501 of 'output' is a string", error.Message, StringComparison.Ordinal);
        Assert.Contains("Near there it read: '", error.Message, StringComparison.Ordinal);
        Assert.Contains("{\"Id\":499},\"not a row\"]}'", error.Message, StringComparison.Ordinal);
        Assert.Equal(500, error.RowsWritten);
    }

    [Fact]
    public void A_parser_message_that_quotes_the_rest_of_the_body_is_cut_short()
    {
        var body = "{\"output\":[{\"a\":fals," + new string('y', 100_000) + "}]}";

        var error = Assert.Throws<MeetEngageException>(() => ReadAll(Encoding.UTF8.GetBytes(body), _ => 70_000));

        Assert.Contains("is an invalid JSON literal", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 600, error.Message);
        Assert.DoesNotContain(new string('y', 170), error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void An_Authorization_header_echoed_in_a_body_never_reaches_the_message()
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("demo-key:Sup3r-s3cret"));
        var bodies = new[]
        {
            "<html><body>Bad request. Authorization: Basic " + token + "</body></html>",
            "{\"output\":[{\"a\":tru Authorization: Basic " + token + "}]}",
            "{\"headers\":{\"Authorization\":\"Basic " + token + "\"}}",
        };

        foreach (var body in bodies)
        {
            // The client passes its redaction; the reader must apply it to every excerpt it quotes.
            var error = Assert.Throws<MeetEngageException>(() => ReadAll(Encoding.UTF8.GetBytes(body), _ => 5, CredentialRedaction.Redact));

            // ToString includes every inner exception, as Get-Error and Format-List * -Force show them.
            Assert.Equal(ErrorKind.InvalidData, error.Kind);
            Assert.DoesNotContain(token.Substring(0, 12), error.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Metadata_that_echoes_an_Authorization_header_reaches_the_observer_redacted_and_rows_stay_as_sent()
    {
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("demo-key:Sup3r-s3cret"));
        var body = "{\"warnings\":[\"Request had Authorization: Basic " + token + "\"],\"meta\":{\"echo\":{\"authorization\":\"Basic " + token + "\"}},\"error\":\"Basic " + token + "\",\"output\":[{\"a\":\"Basic " + token + "\"}]}";

        var (rows, observer) = ReadAll(Encoding.UTF8.GetBytes(body), _ => 9, CredentialRedaction.Redact);

        var metadata = string.Join("|", observer.Metadata.Select(m => Row.Format(m.Value)));
        Assert.DoesNotContain(token, metadata, StringComparison.Ordinal);
        Assert.Equal(3, metadata.Split("Basic ***").Length - 1);
        Assert.Equal("Basic " + token, rows.Single()["a"]);
    }

    [Fact]
    public void What_the_observer_throws_comes_through_as_it_is_not_as_bad_JSON()
    {
        // PowerShell throws InvalidOperationException from WriteWarning when -Debug makes it
        // Inquire in a NonInteractive host; that is not a fault of the body.
        var refusal = new InvalidOperationException("PowerShell is in NonInteractive mode.");
        var observer = new ThrowingObserver(refusal);
        using var reader = new OutputReader<Row>(new MemoryStream(Encoding.UTF8.GetBytes("{\"warnings\":[\"slow\"],\"output\":[{\"a\":1}]}")), new RowBuilder(), observer);

        var thrown = Assert.Throws<InvalidOperationException>(() => reader.TryReadRow(out _));

        Assert.Same(refusal, thrown);
    }

    private sealed class ThrowingObserver : IOutputObserver
    {
        private readonly Exception _exception;

        public ThrowingObserver(Exception exception)
        {
            _exception = exception;
        }

        public void OnMetadata(string name, object? value) => throw _exception;

        public void OnAnomaly(string message) => throw _exception;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4096)]
    public void A_leading_UTF8_byte_order_mark_is_skipped(int chunk)
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("{\"output\":[{\"a\":1}]}")).ToArray();

        var (rows, _) = ReadAll(bytes, _ => chunk);

        Assert.Equal("{a:Int32:1}", rows.Single().ToString());
    }

    [Fact]
    public void A_byte_order_mark_anywhere_else_is_still_InvalidData()
    {
        var bytes = Encoding.UTF8.GetBytes(" ").Concat(new byte[] { 0xEF, 0xBB, 0xBF }).Concat(Encoding.UTF8.GetBytes("{\"output\":[]}")).ToArray();

        var error = Assert.Throws<MeetEngageException>(() => ReadAll(bytes, _ => 3));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
    }

    [Fact]
    public void A_value_repeated_across_rows_is_decoded_once_and_shared()
    {
        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes("{\"output\":[{\"Device\":\"Mobile\",\"Score\":4.25,\"Id\":1},{\"Device\":\"Mobile\",\"Score\":4.25,\"Id\":1}]}"), _ => 7);

        Assert.Same(rows[0]["Device"], rows[1]["Device"]);
        Assert.Same(rows[0]["Score"], rows[1]["Score"]);
        Assert.Same(rows[0]["Id"], rows[1]["Id"]);
    }

    [Fact]
    public void Tokens_with_the_same_text_keep_their_own_type_and_exact_value()
    {
        // Same digits as string and as number, the same number with other scales, escapes, and
        // lengths on both sides of the longest token the reader keeps.
        var at32 = new string('a', 31) + "b";
        var at33 = new string('a', 32) + "b";
        var body = "{\"output\":[" + string.Join(",", Enumerable.Repeat(
            "{\"s\":\"1\",\"n\":1,\"d1\":1.0,\"d2\":1.00,\"e\":\"a\\\"b\",\"u\":\"\\u0041\",\"a\":\"A\",\"x\":\"" + at32 + "\",\"y\":\"" + at33 + "\",\"empty\":\"\",\"big\":9007199254740993,\"huge\":123456789012345678901234567890123}", 3)) + "]}";

        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes(body), _ => 11);

        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Equal(
            "{s:\"1\",n:Int32:1,d1:Decimal:1.0,d2:Decimal:1.00,e:\"a\"b\",u:\"A\",a:\"A\",x:\"" + at32 + "\",y:\"" + at33 + "\",empty:\"\",big:Int64:9007199254740993,huge:Double:1.2345678901234569E+32}",
            row.ToString()));
    }

    [Fact]
    public void Thousands_of_distinct_short_values_come_out_exactly_whatever_their_order()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 6000).Select(i => random.Next(0, 3000)).ToArray();
        var body = "{\"output\":[" + string.Join(",", values.Select(v => "{\"Text\":\"v" + v + "\",\"Number\":" + v + ".5}")) + "]}";

        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes(body), _ => 4096);

        Assert.Equal(values.Select(v => "v" + v), rows.Select(r => (string)r["Text"]!));
        Assert.Equal(values.Select(v => v + 0.5m), rows.Select(r => (decimal)r["Number"]!));
    }

    [Fact]
    public void Invalid_UTF8_is_an_error_every_time_it_comes_even_in_a_short_repeated_value()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"output\":[{\"a\":\"xx\"},{\"a\":\"xx\"},{\"a\":\"x?\"}]}");
        bytes[Array.LastIndexOf(bytes, (byte)'?')] = 0xFF;

        var rows = 0;
        var error = Assert.Throws<MeetEngageException>(() =>
        {
            using var reader = new OutputReader<Row>(new MemoryStream(bytes), new RowBuilder());
            while (reader.TryReadRow(out _))
            {
                rows++;
            }
        });

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal(2, rows);
    }

    [Fact]
    public void Names_stay_right_when_rows_change_their_names_and_order()
    {
        const string Body = """
            {"output":[
             {"a":1,"b":2,"c":3},
             {"a":1,"b":2,"c":3},
             {"b":4,"a":5},
             {"c":6},
             {"a":7,"c":{"a":8,"b":{"c":9}},"b":10},
             {"ab":11,"a":12,"b":13,"c":14},
             {"a":15,"b":16,"c":17}
            ]}
            """;

        var (rows, _) = ReadAll(Encoding.UTF8.GetBytes(Body), _ => 3);

        Assert.Equal(
            new[]
            {
                "{a:Int32:1,b:Int32:2,c:Int32:3}",
                "{a:Int32:1,b:Int32:2,c:Int32:3}",
                "{b:Int32:4,a:Int32:5}",
                "{c:Int32:6}",
                "{a:Int32:7,c:{a:Int32:8,b:{c:Int32:9}},b:Int32:10}",
                "{ab:Int32:11,a:Int32:12,b:Int32:13,c:Int32:14}",
                "{a:Int32:15,b:Int32:16,c:Int32:17}",
            },
            rows.Select(r => r.ToString()));
    }

    internal static (List<Row> Rows, RecordingObserver Observer) ReadAll(byte[] bytes, Func<int, int> chunkAt, Func<string, string>? redact = null)
    {
        var observer = new RecordingObserver();
        using var reader = new OutputReader<Row>(new ChunkedStream(bytes, chunkAt), new RowBuilder(), observer, redact: redact);
        var rows = new List<Row>();
        while (reader.TryReadRow(out var row))
        {
            rows.Add(row);
        }

        return (rows, observer);
    }

    private static string Render(IEnumerable<Row> rows) => string.Join("\n", rows.Select(r => r.ToString()));
}
