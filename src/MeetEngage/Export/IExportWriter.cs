using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using MeetEngage.Json;
using System.Threading;

namespace MeetEngage.Export;

/// <summary>Writes rows into an export's data file, then the finished file.</summary>
internal interface IExportWriter : IDisposable
{
    long Rows { get; }

    /// <summary>Columns so far: the CSV header's, or the distinct top-level names of JSON Lines rows.</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>Writes a row given as objects.</summary>
    void Write(ExportRow row);

    /// <summary>
    /// Whether <see cref="RowEnded"/> writes a row's bytes as they are when they are its compact
    /// JSON, and so needs to be told when they are (which costs the reader a little per token).
    /// </summary>
    bool WritesCompactRows { get; }

    /// <summary>A row given as tokens begins (see <see cref="IRowTokens{TObject}.RowStarted"/>).</summary>
    void RowStarted();

    /// <summary>Whether <see cref="Token"/> is to get a row's tokens, or <see cref="RowEnded"/> only the row's own names (see <see cref="IRowTokens{TObject}.WantsTokens"/>).</summary>
    bool WantsTokens { get; }

    /// <summary>One token of a row (see <see cref="IRowTokens{TObject}"/>).</summary>
    void Token(ref Utf8JsonReader reader, PropertyName? name);

    /// <summary>
    /// The row whose tokens came last has ended: <paramref name="row"/> is its JSON as the body sent
    /// it, which is its compact JSON (as <see cref="CompactJson"/> writes it) when <paramref name="compact"/>;
    /// <paramref name="names"/>: the row's own property names without <see cref="WantsTokens"/>, else empty.
    /// </summary>
    void RowEnded(ReadOnlySpan<byte> row, ReadOnlySpan<PropertyName> names, bool repeatedKey, bool compact);

    /// <summary>Makes everything written so far durable, and tells <paramref name="state"/> how long the data file is and what it holds.</summary>
    void Checkpoint(ResumeState state);

    /// <summary>
    /// Finishes the export: either writes the final file at <paramref name="finalPath"/> and
    /// returns true, or returns false when the data file itself is the final file. A stopped
    /// pipeline stops it too: a file finished after Ctrl+C must not replace the target.
    /// </summary>
    bool WriteFinal(string finalPath, CancellationToken cancellationToken);
}

/// <summary>Shared data-file handling of the writers.</summary>
internal static class ExportStreams
{
    public const int BufferBytes = 1 << 16;

    public static FileStream OpenData(string path, long keepBytes)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferBytes);
        stream.SetLength(keepBytes);
        stream.Position = keepBytes;
        return stream;
    }
}
