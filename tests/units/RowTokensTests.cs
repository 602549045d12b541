using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using MeetEngage.Export;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>
/// What the reader hands a builder that takes rows as tokens (<see cref="IRowTokens{TObject}"/>):
/// every token, or only the row's own names; the row's bytes; whether they are its compact JSON.
/// </summary>
public class RowTokensTests
{
    private const string Rows =
        "[{\"a\":1,\"b\":{\"c\":2,\"d\":[{\"e\":3}]},\"f\":\"x y\"}," +
        "{\"b\":[1,{\"a\":2}],\"a\":true}," +
        "{}," +
        "{ \"a\" : 1 , \"g\" : [ ] }," +
        "{\"h\\u0041\":\"\\n\",\"i\":\"\"}," +
        "{\"a\":1,\"A\":2,\"j\":{\"k\":1,\"k\":2}}," +
        "{\"l\":\"\\u00e9\"}]";

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 0)]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 7)]
    public void Rows_come_as_their_bytes_with_their_own_names_or_every_token(bool wantsTokens, int piece)
    {
        var rows = Read(Rows, wantsTokens, piece);

        Assert.Equal(7, rows.Count);
        var expected = new[]
        {
            new[] { "a", "b", "f" },
            new[] { "b", "a" },
            Array.Empty<string>(),
            new[] { "a", "g" },
            new[] { "hA", "i" },
            new[] { "a", "A", "j" },
            new[] { "l" },
        };
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(wantsTokens ? Array.Empty<string>() : expected[i], rows[i].Names);
        }

        // Every token goes to Token when asked for, names with their resolved name; else none does.
        Assert.Equal(wantsTokens ? new[] { 18, 12, 2, 7, 6, 13, 4 } : new int[7], rows.Select(r => r.Tokens).ToArray());
        Assert.Equal(wantsTokens ? new[] { "a", "b", "c", "d", "e", "f" } : Array.Empty<string>(), rows[0].TokenNames);

        Assert.Equal("{\"a\":1,\"b\":{\"c\":2,\"d\":[{\"e\":3}]},\"f\":\"x y\"}", rows[0].Bytes);
        Assert.Equal("{ \"a\" : 1 , \"g\" : [ ] }", rows[3].Bytes);
        Assert.Equal(new[] { false, false, false, false, false, true, false }, rows.Select(r => r.RepeatedKey).ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void The_compact_length_tells_rows_that_are_their_own_compact_json(int piece)
    {
        var rows = Read(Rows, wantsTokens: false, piece, wantsCompactLength: true);

        // Compact rows: their length; white space: shorter than the bytes; an escape in a name or a
        // string: not unescaped.
        Assert.Equal(new[] { true, true, true, false, false, true, false }, rows.Select(r => r.Compact).ToArray());
        Assert.Equal(rows[3].Bytes.Length - rows[3].Bytes.Count(c => c == ' '), rows[3].CompactBytes);
        Assert.Equal(rows[4].Bytes.Length, rows[4].CompactBytes);
        Assert.False(rows[4].Unescaped);
        Assert.Equal(rows[6].Bytes.Length, rows[6].CompactBytes);
        Assert.False(rows[6].Unescaped);

        var plain = Read(Rows, wantsTokens: false, piece);
        Assert.All(plain, r => Assert.Equal(-1, r.CompactBytes));
    }

    [Fact]
    public void A_row_with_many_names_hands_them_all_over()
    {
        var names = Enumerable.Range(0, 300).Select(i => "n" + i).ToArray();
        var row = "{" + string.Join(",", names.Select(n => "\"" + n + "\":{\"x\":1}")) + "}";

        var rows = Read("[" + row + "," + row + "]", wantsTokens: false, piece: 0, wantsCompactLength: true);

        Assert.Equal(names, rows[0].Names);
        Assert.Equal(names, rows[1].Names);
        Assert.True(rows[1].Compact);
    }

    private static List<Seen> Read(string rows, bool wantsTokens, int piece, bool wantsCompactLength = false)
    {
        var body = Encoding.UTF8.GetBytes("{\"output\":" + rows + ",\"count\":1}");
        var stream = piece == 0 ? (Stream)new MemoryStream(body) : new ChunkedStream(body, _ => piece);
        var builder = new Recorder(wantsTokens, wantsCompactLength);
        using var reader = new OutputReader<ExportRow>(stream, builder);
        while (reader.TryReadRow(out var row))
        {
            Assert.Same(Recorder.Row, row);
        }

        return builder.Rows;
    }

    private sealed record Seen(string Bytes, string[] Names, int Tokens, string[] TokenNames, bool RepeatedKey, long CompactBytes, bool Unescaped)
    {
        public bool Compact => Unescaped && CompactBytes == Encoding.UTF8.GetByteCount(Bytes);
    }

    private sealed class Recorder : IRowBuilder<ExportRow>, IRowTokens<ExportRow>
    {
        public static readonly ExportRow Row = new(0);

        private readonly List<byte> _bytes = new();
        private readonly List<string> _tokenNames = new();
        private int _tokens;

        public Recorder(bool wantsTokens, bool wantsCompactLength)
        {
            WantsTokens = wantsTokens;
            WantsCompactLength = wantsCompactLength;
        }

        public List<Seen> Rows { get; } = new();

        public bool WantsCompactLength { get; }

        public bool WantsTokens { get; }

        public ExportRow NewObject(int expectedProperties) => ExportRowBuilder.Instance.NewObject(expectedProperties);

        public void Add(ExportRow target, string name, object? value) => ExportRowBuilder.Instance.Add(target, name, value);

        public void Replace(ExportRow target, string name, object? value) => ExportRowBuilder.Instance.Replace(target, name, value);

        public void RowStarted()
        {
            _bytes.Clear();
            _tokenNames.Clear();
            _tokens = 0;
        }

        public void Token(ref Utf8JsonReader reader, PropertyName? name)
        {
            Assert.True(WantsTokens, "Token called though the builder takes no tokens");
            _tokens++;
            Assert.Equal(reader.TokenType == JsonTokenType.PropertyName, name is not null);
            if (name is not null)
            {
                _tokenNames.Add(name.SentAs ?? name.Text);
            }
        }

        public void RowBytes(ReadOnlySpan<byte> bytes) => _bytes.AddRange(bytes.ToArray());

        public ExportRow RowEnded(ReadOnlySpan<byte> lastBytes, ReadOnlySpan<PropertyName> names, bool repeatedKey, long compactBytes, bool unescaped)
        {
            _bytes.AddRange(lastBytes.ToArray());
            var kept = names.ToArray().Select(n => n.SentAs ?? n.Text).ToArray();
            Rows.Add(new Seen(Encoding.UTF8.GetString(_bytes.ToArray()), kept, _tokens, _tokenNames.Distinct().ToArray(), repeatedKey, compactBytes, unescaped));
            return Row;
        }
    }
}
