using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MeetEngage.Json;

namespace MeetEngage.Export;

/// <summary>
/// What Export-MeetEngageData hands the reader: rows go to the file writer as tokens, then as the
/// bytes the body sent for them, so that no object is built per row; the API's metadata objects
/// are built as <see cref="ExportRow"/>s, keys as sent and numbers as text.
/// </summary>
internal sealed class FileRows : IRowBuilder<ExportRow>, IKeepsApiText, IRowTokens<ExportRow>
{
    /// <summary>What the reader returns for each row: the row is in the writer already.</summary>
    public static readonly ExportRow Written = new(0);

    private static readonly byte[] BodyStart = { (byte)'{', (byte)'"', (byte)'o', (byte)'u', (byte)'t', (byte)'p', (byte)'u', (byte)'t', (byte)'"', (byte)':', (byte)'[' };
    private static readonly byte[] BodyEnd = { (byte)']', (byte)'}' };

    private readonly IExportWriter _writer;

    // A row's bytes that the reader handed over before its end (a row across two reads of the body).
    private byte[] _bytes = new byte[4096];
    private int _length;

    public FileRows(IExportWriter writer)
    {
        _writer = writer;
    }

    public ExportRow NewObject(int expectedProperties) => ExportRowBuilder.Instance.NewObject(expectedProperties);

    public void Add(ExportRow target, string name, object? value) => ExportRowBuilder.Instance.Add(target, name, value);

    public void Replace(ExportRow target, string name, object? value) => ExportRowBuilder.Instance.Replace(target, name, value);

    public bool WantsCompactLength => _writer.WritesCompactRows;

    public bool WantsTokens => _writer.WantsTokens;

    public void RowStarted()
    {
        _length = 0;
        _writer.RowStarted();
    }

    [MethodImpl(HotPath.Optimized)]
    public void Token(ref Utf8JsonReader reader, PropertyName? name)
    {
        _writer.Token(ref reader, name);
    }

    public void RowBytes(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + bytes.Length));
        }

        bytes.CopyTo(new Span<byte>(_bytes, _length, bytes.Length));
        _length += bytes.Length;
    }

    [MethodImpl(HotPath.Optimized)]
    public ExportRow RowEnded(ReadOnlySpan<byte> lastBytes, ReadOnlySpan<PropertyName> names, bool repeatedKey, long compactBytes, bool unescaped)
    {
        var row = lastBytes;
        if (_length > 0)
        {
            RowBytes(lastBytes);
            row = new ReadOnlySpan<byte>(_bytes, 0, _length);
        }

        _writer.RowEnded(row, names, repeatedKey, unescaped && row.Length == compactBytes);
        return Written;
    }

    /// <summary>
    /// A row's JSON read back as an <see cref="ExportRow"/>, by the same reader and with the
    /// same rules (the last value of a repeated key counts, at the key's first place).
    /// </summary>
    public static ExportRow Parse(ReadOnlySpan<byte> row)
    {
        var body = new byte[BodyStart.Length + row.Length + BodyEnd.Length];
        BodyStart.CopyTo(body, 0);
        row.CopyTo(body.AsSpan(BodyStart.Length));
        BodyEnd.CopyTo(body, BodyStart.Length + row.Length);
        using var reader = new OutputReader<ExportRow>(new MemoryStream(body, writable: false), ExportRowBuilder.Instance, maxTokenBytes: Math.Max(body.Length, OutputReader<ExportRow>.DefaultMaxTokenBytes));
        if (!reader.TryReadRow(out var parsed))
        {
            throw new InvalidOperationException("A row's JSON did not read back as a row.");
        }

        return parsed;
    }
}
