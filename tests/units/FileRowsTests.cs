using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MeetEngage;
using MeetEngage.Export;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>
/// Export-MeetEngageData writes rows from their tokens (FileRows, CsvWriter.Tokens, RowJson); the
/// rows' objects (ExportRowBuilder, Flattener, CompactJson) are the reference, which Get-MeetEngageData
/// -Flatten shares. Both ways must give the same file byte for byte, the same columns and warnings.
/// </summary>
public class FileRowsTests : TempFolderTests
{
    public FileRowsTests()
        : base("me-filerows-units-")
    {
    }

    public static IEnumerable<object[]> Bodies() => new[]
    {
        new object[] { "flat", "[{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null,\"e\":false},{\"a\":2,\"b\":\"y\",\"c\":false,\"d\":\"z\",\"e\":true}]" },
        new object[] { "nested and arrays", "[{\"Id\":1,\"Details\":{\"Source\":\"LinkedIn\",\"Campaign\":{\"Name\":\"Spring\",\"Id\":7}},\"Answers\":[1,\"two\",{\"x\":null,\"y\":[true,{}]},[]],\"Empty\":{},\"List\":[]}]" },
        new object[] { "late and missing columns", "[{\"a\":1},{},{\"b\":2,\"a\":3},{\"c\":{\"d\":4}},{\"a\":5,\"c\":null},{\"c\":{\"e\":[1]}}]" },
        new object[] { "as many names, other names", "[{\"a\":1,\"b\":2},{\"b\":3,\"a\":4},{\"c\":5,\"a\":6},{\"c\":7,\"d\":8},{\"C\":9,\"D\":0}]" },
        new object[] { "columns out of order", "[{\"a\":1,\"b\":2,\"c\":3},{\"c\":4,\"a\":5},{\"b\":6},{\"d\":7,\"c\":8,\"b\":9,\"a\":10}]" },
        new object[] { "escapes", "[{\"q\":\"say \\\"hi\\\"\",\"nl\":\"a\\nb\\r\\n\\t\",\"u\":\"\\u00e9\\u65e5\\ud83c\\udf89\",\"sl\":\"a\\/b\\\\c\",\"ctl\":\"\\u0001\\u001f\",\"raw\":\"Zoë 日本 🎉\",\"k\\\"ey\":1,\"arr\":[\"\\\"\",\"\\u00e9\"]}]" },
        new object[] { "numbers as sent", "[{\"a\":1E2,\"b\":-0.0,\"c\":1.0e400,\"d\":123456789012345678901234567890,\"e\":[0.10,1e-7]}]" },
        new object[] { "repeated keys", "[{\"a\":1,\"A\":2,\"b\":3},{\"a\":{\"x\":1},\"b\":0,\"a\":{\"y\":2}},{\"n\":[{\"k\":1,\"k\":2}]},{\"s\":1,\"s\":{\"t\":2}},{\"o\":{\"p\":1,\"P\":{\"q\":[]}}}]" },
        new object[] { "colliding flattened names", "[{\"Details.Source\":\"literal\",\"Details\":{\"Source\":\"nested\"}},{\"x\":{\"y\":1},\"X.Y\":2},{\"Details\":{\"Source\":\"again\"}}]" },
        new object[] { "names that need another name", "[{\"\":1,\"PSObject\":{\"\":2,\"psbase\":3},\"x\":\"a\",\"(empty)\":4},{\"pstypenames\":[1],\"Psadapted\":{}}]" },
        new object[] { "case of names across rows", "[{\"Name\":1,\"Sub\":{\"Key\":1}},{\"name\":2,\"sub\":{\"KEY\":2}},{\"NAME\":3}]" },
        new object[] { "white space in the body", "[ {\n  \"a\" : 1 ,\n  \"b\" : [ 1 , { \"c\" : \"d\" } ] ,\n  \"e\" : { }\n } ,\n {\"a\":2}\n]" },
        new object[] { "an empty row first", "[{},{\"a\":1},{}]" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Csv_from_tokens_is_the_csv_from_objects(string what, string rows)
    {
        Assert.NotEmpty(what);
        AssertSameCsv(Body(rows));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Json_Lines_from_tokens_are_the_lines_from_objects(string what, string rows)
    {
        Assert.NotEmpty(what);
        AssertSameJsonLines(Body(rows));
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Rows_that_arrive_in_small_pieces_give_the_same_files(string what, string rows)
    {
        // A row across several reads of the body reaches the writer in parts (IRowTokens.RowBytes).
        Assert.NotEmpty(what);
        var body = Body(rows);
        foreach (var csv in new[] { true, false })
        {
            AssertSame(Export(body, tokens: false, csv), Export(body, tokens: true, csv, pieces: new Random(body.Length)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_rows_give_the_same_files_both_ways(int seed)
    {
        var random = new Random(seed);
        var rows = Enumerable.Range(0, 3000).Select(_ => RandomObject(random, 0)).ToArray();
        var body = Body("[" + string.Join(",", rows) + "]");
        AssertSameCsv(body);
        AssertSameJsonLines(body);
        AssertSame(Export(body, tokens: false, csv: true), Export(body, tokens: true, csv: true, pieces: random));
    }

    [Fact]
    public void Rows_larger_than_a_block_and_many_rows_across_blocks_are_kept_whole()
    {
        var big = new string('x', 1_500_000);
        var rows = Enumerable.Range(0, 20_000).Select(i => "{\"a\":" + i + ",\"s\":\"" + (i % 7 == 0 ? "q\\\"uote" : "plain") + "\"}").ToList();
        rows.Insert(10_000, "{\"a\":\"" + big + "\",\"late\":[\"" + big + "\"]}");
        var body = Body("[" + string.Join(",", rows) + "]");
        AssertSameCsv(body);
        AssertSameJsonLines(body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_row_left_unfinished_by_a_broken_response_is_dropped_when_the_rows_come_again(bool csv)
    {
        // The client requests a response again when it broke off before its first row was whole.
        var body = Body("[{\"a\":{\"b\":[1,{\"c\":2}]},\"d\":\"x\"},{\"a\":1,\"e\":[]}]");
        var text = Encoding.UTF8.GetString(body);
        var broken = Encoding.UTF8.GetBytes(text.Substring(0, text.IndexOf("\"c\"", StringComparison.Ordinal) + 3));
        AssertSame(Export(body, tokens: false, csv), Export(body, tokens: true, csv, broken));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Csv_resumed_after_a_checkpoint_is_the_csv_written_at_once(int seed)
    {
        // Rows kept as lines, as spilled rows, or both; resumed with or without new columns to come.
        var random = new Random(seed);
        var rows = Enumerable.Range(0, 400).Select(_ => RandomObject(random, 0)).ToArray();
        var whole = ExportWhole(rows, lines: false);
        Assert.Equal(Encoding.UTF8.GetString(whole), Encoding.UTF8.GetString(ExportWhole(rows, lines: true)));
        foreach (var kept in new[] { 0, 1, 5, 150, 399, 400 })
        {
            foreach (var block in BlockSizes)
            {
                Assert.Equal(Encoding.UTF8.GetString(whole), Encoding.UTF8.GetString(ExportResumed(rows, kept, block)));
            }
        }
    }

    [Fact]
    public void Csv_resumed_while_its_data_file_is_still_the_final_file_stays_so()
    {
        var rows = Enumerable.Range(0, 100).Select(i => "{\"a\":" + i + ",\"b\":\"x\\ny\"}").ToArray();
        var resumed = ExportResumed(rows, 50, 64);
        Assert.Equal(Encoding.UTF8.GetString(ExportWhole(rows, lines: false)), Encoding.UTF8.GetString(resumed));
    }

    [Fact]
    public void Csv_lines_with_line_breaks_in_cells_are_padded_as_whole_rows_when_a_column_comes_late()
    {
        // The lines after the short header are found again by their breaks; a break inside a cell
        // must not count as a row's end, on either platform's line ending.
        var rows = Enumerable.Range(0, 2000).Select(i => "{\"a\":\"" + (i % 3 == 0 ? "x\\ny\\r\\n\\\"q\\\"" : "p") + "\",\"b\":" + i + "}").ToList();
        rows.Add("{\"late\":1,\"a\":\"\\n\"}");
        var body = Body("[" + string.Join(",", rows) + "]");
        var reference = Export(body, tokens: false, csv: true, lines: false);
        var text = Encoding.UTF8.GetString(reference.File);
        Assert.Contains("\"x\ny\r\n\"\"q\"\"\",\"0\"," + Environment.NewLine, text);
        Assert.EndsWith(",\"1\"" + Environment.NewLine, text);
        foreach (var block in BlockSizes)
        {
            AssertSame(reference, Export(body, tokens: true, csv: true, blockBytes: block));
        }
    }

    /// <summary>
    /// The reference is the rows' objects with every row spilled; the token path and the object path
    /// must give its bytes with the data file as the final file too, with blocks small enough to be
    /// written out after a row or two (so that late columns end the lines early).
    /// </summary>
    private void AssertSameCsv(byte[] body)
    {
        var reference = Export(body, tokens: false, csv: true, lines: false);
        foreach (var block in BlockSizes)
        {
            AssertSame(reference, Export(body, tokens: true, csv: true, blockBytes: block));
            AssertSame(reference, Export(body, tokens: false, csv: true, blockBytes: block));
        }

        AssertSame(reference, Export(body, tokens: true, csv: true, lines: false));
    }

    private static readonly int[] BlockSizes = { 1 << 20, 64, 4096 };

    private void AssertSameJsonLines(byte[] body) => AssertSame(Export(body, tokens: false, csv: false), Export(body, tokens: true, csv: false));

    private static void AssertSame((byte[] File, string[] Columns, string[] Warnings, long Rows) fromObjects, (byte[] File, string[] Columns, string[] Warnings, long Rows) fromTokens)
    {
        Assert.Equal(fromObjects.Columns, fromTokens.Columns);
        Assert.Equal(fromObjects.Warnings, fromTokens.Warnings);
        Assert.Equal(fromObjects.Rows, fromTokens.Rows);
        Assert.Equal(Encoding.UTF8.GetString(fromObjects.File), Encoding.UTF8.GetString(fromTokens.File));
    }

    private (byte[] File, string[] Columns, string[] Warnings, long Rows) Export(byte[] body, bool tokens, bool csv, byte[]? brokenFirst = null, Random? pieces = null, bool lines = true, int blockBytes = 1 << 20)
    {
        var name = Guid.NewGuid().ToString("N");
        var data = Path.Combine(Folder, name + ".data");
        var final = Path.Combine(Folder, name + ".final");
        var warnings = new List<string>();
        var encoding = new UTF8Encoding(false);
        string[] columns;
        long rows;
        using (var writer = csv
            ? (IExportWriter)new CsvWriter(ExportStreams.OpenData(data, 0), encoding, new ColumnSet(), 0, warnings.Add, lines: lines, blockBytes: blockBytes)
            : new JsonLinesWriter(ExportStreams.OpenData(data, 0), encoding, new ColumnSet(refuseBeyondBound: false), 0))
        {
            if (brokenFirst is not null)
            {
                var fileRows = new FileRows(writer);
                using var broken = new OutputReader<ExportRow>(new MemoryStream(brokenFirst), fileRows);
                var failure = Assert.Throws<MeetEngageException>(() => broken.TryReadRow(out _));
                Assert.Equal(ErrorKind.Truncated, failure.Kind);
                using var again = new OutputReader<ExportRow>(new MemoryStream(body), fileRows);
                while (again.TryReadRow(out _))
                {
                }
            }
            else
            {
                Feed(writer, body, tokens, pieces);
            }

            var wroteFinal = writer.WriteFinal(final, default);
            columns = writer.Columns.ToArray();
            rows = writer.Rows;
            if (!wroteFinal)
            {
                final = data;
            }
        }

        return (File.ReadAllBytes(final), columns, warnings.ToArray(), rows);
    }

    private static void Feed(IExportWriter writer, byte[] body, bool tokens, Random? pieces = null)
    {
        if (tokens)
        {
            var stream = pieces is null ? (Stream)new MemoryStream(body) : new ChunkedStream(body, _ => pieces.Next(1, 300));
            using var reader = new OutputReader<ExportRow>(stream, new FileRows(writer));
            while (reader.TryReadRow(out var row))
            {
                Assert.Same(FileRows.Written, row);
            }
        }
        else
        {
            using var reader = new OutputReader<ExportRow>(new MemoryStream(body), ExportRowBuilder.Instance);
            while (reader.TryReadRow(out var row))
            {
                writer.Write(row);
            }
        }
    }

    /// <summary>
    /// A CSV export resumed after a checkpoint (and rows written after it, which are not kept),
    /// as Export-MeetEngageData -Resume runs it: a new writer over the kept data file and state.
    /// </summary>
    private byte[] ExportResumed(string[] rows, int keptRows, int blockBytes)
    {
        var data = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".data");
        var final = data + ".final";
        var encoding = new UTF8Encoding(true);
        var state = new ResumeState();
        using (var first = new CsvWriter(ExportStreams.OpenData(data, 0), encoding, new ColumnSet(), 0, _ => { }, blockBytes: blockBytes))
        {
            Feed(first, Body("[" + string.Join(",", rows.Take(keptRows)) + "]"), tokens: true);
            first.Checkpoint(state);
            state.Rows = first.Rows;
            state.Columns = first.Columns.ToList();
            Feed(first, Body("[" + string.Join(",", rows.Skip(keptRows).Take(3)) + "]"), tokens: true);
        }

        bool wroteFinal;
        using (var again = new CsvWriter(ExportStreams.OpenData(data, state.DataBytes), encoding, new ColumnSet(state.Columns), state.Rows, _ => { }, state.Csv, blockBytes: blockBytes))
        {
            Feed(again, Body("[" + string.Join(",", rows.Skip(keptRows)) + "]"), tokens: true);
            wroteFinal = again.WriteFinal(final, default);
        }

        return File.ReadAllBytes(wroteFinal ? final : data);
    }

    private byte[] ExportWhole(string[] rows, bool lines)
    {
        var data = Path.Combine(Folder, Guid.NewGuid().ToString("N") + ".data");
        var final = data + ".final";
        using var writer = new CsvWriter(ExportStreams.OpenData(data, 0), new UTF8Encoding(true), new ColumnSet(), 0, _ => { }, lines: lines);
        Feed(writer, Body("[" + string.Join(",", rows) + "]"), tokens: true);
        var wroteFinal = writer.WriteFinal(final, default);
        writer.Dispose();
        return File.ReadAllBytes(wroteFinal ? final : data);
    }

    private static byte[] Body(string rows) => Encoding.UTF8.GetBytes("{\"output\":" + rows + ",\"count\":1}");

    private static readonly string[] Keys = { "a", "A", "b", "c", "c.d", "d", "", "PSObject", "x y", "\\u00e9", "k\\\"q" };

    private static string RandomObject(Random random, int depth)
    {
        var count = random.Next(0, depth == 0 ? 7 : 4);
        var parts = new List<string>();
        for (var i = 0; i < count; i++)
        {
            parts.Add("\"" + Keys[random.Next(Keys.Length)] + "\":" + RandomValue(random, depth + 1));
        }

        return "{" + string.Join(",", parts) + "}";
    }

    private static string RandomValue(Random random, int depth)
    {
        switch (random.Next(depth < 4 ? 9 : 6))
        {
            case 0: return "null";
            case 1: return random.Next(2) == 0 ? "true" : "false";
            case 2: return random.Next(-1000, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) + (random.Next(3) == 0 ? ".50" : string.Empty);
            case 3: return "\"s" + random.Next(100) + "\"";
            case 4: return "\"q\\\"" + random.Next(10) + "\\n\"";
            case 5: return "\"\"";
            case 6:
            case 7: return RandomObject(random, depth);
            default:
                var items = Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1));
                return "[" + string.Join(",", items) + "]";
        }
    }
}
