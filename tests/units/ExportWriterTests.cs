using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MeetEngage.Export;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

public class ExportWriterTests : TempFolderTests
{
    public ExportWriterTests()
        : base("me-export-units-")
    {
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("quote \" and \\ backslash", "\"quote \\\" and \\\\ backslash\"")]
    [InlineData("line\nfeed\r\ttab\b\f", "\"line\\nfeed\\r\\ttab\\b\\f\"")]
    [InlineData("\u0001\u001f", "\"\\u0001\\u001f\"")]
    [InlineData("Zoë ✓ 日本 🎉 </script>", "\"Zoë ✓ 日本 🎉 </script>\"")]
    public void Json_strings_escape_only_what_JSON_requires(string text, string expected)
    {
        Assert.Equal(expected, new CompactJson().WriteText(text));
    }

    [Fact]
    public void Json_strings_escape_a_lone_surrogate()
    {
        // Built here: attribute data cannot carry invalid UTF-16.
        Assert.Equal("\"lone \\ud800 high\"", new CompactJson().WriteText("lone " + (char)0xD800 + " high"));
        Assert.Equal("\"lone \\udc00 low\"", new CompactJson().WriteText("lone " + (char)0xDC00 + " low"));
    }

    [Fact]
    public void Json_rows_keep_number_text_and_order()
    {
        var row = Row(("b", new JsonNumberText("1E2")), ("a", Row(("x", new object?[] { new JsonNumberText("0.10"), null, true, "s" }))), ("c", Row()));
        Assert.Equal("{\"b\":1E2,\"a\":{\"x\":[0.10,null,true,\"s\"]},\"c\":{}}", new CompactJson().WriteText(row));
    }

    [Fact]
    public void Repeated_strings_encode_the_same_from_the_cache()
    {
        var json = new CompactJson();
        var shared = "Mobile \"x\"";
        Assert.Equal(json.WriteText(shared), json.WriteText(shared));
        Assert.Equal("\"Mobile \\\"x\\\"\"", json.WriteText(shared));
    }

    [Fact]
    public void Flattening_names_nested_values_with_dots_and_renames_collisions_once()
    {
        var warnings = new List<string>();
        var flattener = new Flattener(warnings.Add);
        var row = Row(("Details.Source", "literal"), ("Details", Row(("Source", "nested"), ("Campaign", Row(("Id", new JsonNumberText("7")))))), ("Empty", Row()), ("List", new object?[] { "a" }));
        var cells = flattener.Flatten(row).Select(c => c.Key + "=" + c.Value).ToArray();
        Assert.Equal(new[] { "Details.Source=literal", "Details.Source_2=nested", "Details.Campaign.Id=7", "Empty={}", "List=[\"a\"]" }, cells);
        flattener.Flatten(row);
        Assert.Single(warnings);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Csv_pads_rows_written_before_a_late_column(bool asLines)
    {
        var (wroteFinal, file) = WriteCsv(
            writer =>
            {
                writer.Write(Row(("A", "1")));
                writer.Write(Row());
                writer.Write(Row(("b", null), ("a", true)));
                writer.Write(Row(("C", new JsonNumberText("-0.50")), ("A", "x\"y")));
            },
            new UTF8Encoding(false),
            asLines,
            blockBytes: 16);

        // With lines, the first row is written as a line under a one-column header before the late columns come.
        Assert.True(wroteFinal);
        var nl = Environment.NewLine;
        Assert.Equal("\"A\",\"b\",\"C\"" + nl + "\"1\",," + nl + ",," + nl + "\"True\",," + nl + "\"x\"\"y\",,\"-0.50\"" + nl, File.ReadAllText(file));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Csv_copies_rows_larger_than_its_blocks_and_many_rows_across_blocks(bool asLines)
    {
        var big = new string('x', 1_500_000);
        var (wroteFinal, file) = WriteCsv(
            writer =>
            {
                for (var i = 0; i < 50_000; i++)
                {
                    writer.Write(Row(("A", i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                }

                writer.Write(Row(("A", big)));
                writer.Write(Row(("B", "late")));
            },
            new UTF8Encoding(false),
            asLines);

        Assert.True(wroteFinal);

        var lines = File.ReadAllLines(file);
        Assert.Equal(50_003, lines.Length);
        Assert.Equal("\"A\",\"B\"", lines[0]);
        Assert.Equal("\"0\",", lines[1]);
        Assert.Equal("\"49999\",", lines[50_000]);
        Assert.Equal("\"" + big + "\",", lines[50_001]);
        Assert.Equal(",\"late\"", lines[50_002]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Csv_is_written_once_unless_a_column_comes_after_the_first_block(bool lateColumn)
    {
        var (wroteFinal, file) = WriteCsv(
            writer =>
            {
                for (var i = 0; i < 1000; i++)
                {
                    writer.Write(Row(("A", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("B", "x")));
                }

                if (lateColumn)
                {
                    writer.Write(Row(("C", "late")));
                }
            },
            new UTF8Encoding(true),
            blockBytes: 4096);

        // Written once: the data file, with its BOM and header, is the final file.
        Assert.Equal(lateColumn, wroteFinal);
        var lines = File.ReadAllLines(file);
        Assert.Equal(lateColumn ? "\"A\",\"B\",\"C\"" : "\"A\",\"B\"", lines[0]);
        Assert.Equal(lateColumn ? "\"999\",\"x\"," : "\"999\",\"x\"", lines[1000]);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'"' }, File.ReadAllBytes(file).Take(4).ToArray());
    }

    /// <summary>
    /// Writes rows with a CsvWriter over a data file of its own and finishes the export: whether it
    /// wrote a final file, and the file that holds the CSV (the data file when it is the final file).
    /// </summary>
    private (bool WroteFinal, string File) WriteCsv(Action<CsvWriter> write, Encoding encoding, bool lines = true, int blockBytes = 1 << 20)
    {
        var data = Path.Combine(Folder, "data");
        var final = Path.Combine(Folder, "final.csv");
        bool wroteFinal;
        using (var writer = new CsvWriter(ExportStreams.OpenData(data, 0), encoding, new ColumnSet(), 0, _ => { }, lines: lines, blockBytes: blockBytes))
        {
            write(writer);
            wroteFinal = writer.WriteFinal(final, default);
        }

        return (wroteFinal, wroteFinal ? final : data);
    }

    [Fact]
    public void Csv_has_a_bounded_number_of_columns()
    {
        var columns = new ColumnSet();
        for (var i = 0; i < ColumnSet.MaxColumns; i++)
        {
            columns.IndexOf("c" + i);
        }

        var failure = Assert.Throws<MeetEngageException>(() => columns.IndexOf("one more"));
        Assert.Equal("TooManyColumns", failure.ErrorId);
        Assert.Equal(5, columns.IndexOf("C5"));

        var counted = new ColumnSet(columns.Names, refuseBeyondBound: false);
        Assert.Equal(-1, counted.IndexOf("one more"));
        Assert.Equal(ColumnSet.MaxColumns, counted.Count);
    }

    [Fact]
    public void Column_lookup_by_position_follows_a_changed_name()
    {
        var columns = new ColumnSet();
        Assert.Equal(0, columns.IndexOf("A", 0));
        Assert.Equal(1, columns.IndexOf("B", 0));
        Assert.Equal(0, columns.IndexOf("a", 0));
        Assert.Equal(new[] { "A", "B" }, columns.Names);
    }

    [Fact]
    public void The_reader_hands_an_export_builder_the_number_text()
    {
        var body = Encoding.UTF8.GetBytes("{\"output\":[{\"a\":1E2,\"b\":0.10,\"c\":123456789012345678901234567890,\"d\":1.0e400,\"e\":7}]}");
        using var reader = new OutputReader<ExportRow>(new MemoryStream(body), ExportRowBuilder.Instance);
        Assert.True(reader.TryReadRow(out var row));
        Assert.Equal(new[] { "1E2", "0.10", "123456789012345678901234567890", "1.0e400", "7" }, row.Properties.Select(p => ((JsonNumberText)p.Value!).Text));
        Assert.Equal(7, new JsonNumberText("7").ToValue());
        Assert.Equal(0.10m, new JsonNumberText("0.10").ToValue());
    }

    private static ExportRow Row(params (string Name, object? Value)[] properties)
    {
        var row = new ExportRow(properties.Length);
        foreach (var (name, value) in properties)
        {
            row.Properties.Add(new KeyValuePair<string, object?>(name, value));
        }

        return row;
    }

}
