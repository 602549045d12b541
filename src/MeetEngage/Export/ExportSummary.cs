using System;

namespace MeetEngage.Export;

/// <summary>The file formats Export-MeetEngageData writes.</summary>
public enum ExportFormat
{
    Csv,
    JsonLines,
}

/// <summary>What Export-MeetEngageData -PassThru returns: one per finished export.</summary>
public sealed class ExportSummary
{
    internal ExportSummary(string path, ExportFormat format, long rows, int columns, long bytes, long requests, int chunks, TimeSpan elapsed)
    {
        Path = path;
        Format = format;
        Rows = rows;
        Columns = columns;
        Bytes = bytes;
        Requests = requests;
        Chunks = chunks;
        Elapsed = elapsed;
    }

    public string Path { get; }

    public ExportFormat Format { get; }

    public long Rows { get; }

    /// <summary>The CSV header's columns, or the distinct top-level property names of JSON Lines rows.</summary>
    public int Columns { get; }

    public long Bytes { get; }

    /// <summary>Requests this run sent, retries included (a resume counts only its own).</summary>
    public long Requests { get; }

    public int Chunks { get; }

    public TimeSpan Elapsed { get; }

    public override string ToString() => Path;
}
