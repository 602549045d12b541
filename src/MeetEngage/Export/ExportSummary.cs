using System;

namespace MeetEngage.Export;

/// <summary>The file formats Export-MeetEngageData writes.</summary>
public enum ExportFormat
{
    Csv,
    JsonLines,
}

/// <summary>
/// What Export-MeetEngageData -PassThru returns: one per finished export. Columns are the CSV
/// header's, or the distinct top-level property names of JSON Lines rows; Requests are those this
/// run sent, retries included (a resume counts only its own).
/// </summary>
public sealed record ExportSummary(string Path, ExportFormat Format, long Rows, int Columns, long Bytes, long Requests, int Chunks, TimeSpan Elapsed)
{
    public override string ToString() => Path;
}
