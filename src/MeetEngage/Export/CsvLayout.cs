namespace MeetEngage.Export;

/// <summary>
/// What a CSV export's data file holds, kept in the resume state. While every row fits the
/// columns known when the first rows were written, the data file is the final file: the header,
/// then one line a row. A row with a new column ends that: it and every row after it are spilled
/// (see <see cref="CsvWriter"/>), and the final file is written anew with the whole header.
/// </summary>
internal sealed class CsvLayout
{
    /// <summary>The columns of the header at the data file's start; 0 when the file starts with spilled rows.</summary>
    public int HeaderColumns { get; set; }

    /// <summary>Where the lines after that header begin.</summary>
    public long LinesFrom { get; set; }

    /// <summary>How many rows were written as lines after that header.</summary>
    public long Lines { get; set; }

    /// <summary>Where the spilled rows after the lines begin; 0 while there are none.</summary>
    public long SpillFrom { get; set; }

    public CsvLayout Copy() => (CsvLayout)MemberwiseClone();
}
