using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace MeetEngage.Export;

/// <summary>
/// What a failed chunked export kept, written beside the target after every finished chunk: the
/// parameters that must match for a resume, and how far it got. Never a secret: the account and
/// base URI name the data, not the key.
/// </summary>
internal sealed class ResumeState
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public int Version { get; set; } = CurrentVersion;

    public string DataMethod { get; set; } = string.Empty;

    public string Account { get; set; } = string.Empty;

    public string BaseUri { get; set; } = string.Empty;

    public long FromMilliseconds { get; set; }

    /// <summary>The end of the range; when -To was not given, the moment the first run started.</summary>
    public long ToMilliseconds { get; set; }

    public bool ToGiven { get; set; }

    public int ChunkDays { get; set; }

    public string Format { get; set; } = string.Empty;

    public string Encoding { get; set; } = string.Empty;

    /// <summary>The data file's name (in the target's folder) and how many of its bytes are finished chunks.</summary>
    public string DataFile { get; set; } = string.Empty;

    public long DataBytes { get; set; }

    public int ChunksDone { get; set; }

    public int ChunkCount { get; set; }

    public long Rows { get; set; }

    public List<string> Columns { get; set; } = new();

    /// <summary>For CSV: what the data file holds (its header and lines, then spilled rows); null when it starts with spilled rows.</summary>
    public CsvLayout? Csv { get; set; }

    /// <summary>The kept state, or null when there is none.</summary>
    public static ResumeState? TryLoad(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var state = JsonSerializer.Deserialize<ResumeState>(File.ReadAllText(path));
            return state is { Version: CurrentVersion } ? state : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the state through a temporary file, so a crash leaves the old state or the new one.</summary>
    public void Save(ExportFiles files)
    {
        var temp = files.NewTempPath(ExportFiles.FinishingSuffix);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                JsonSerializer.Serialize(stream, this, Indented);
                stream.Flush(flushToDisk: true);
            }

            if (File.Exists(files.StatePath))
            {
                File.Replace(temp, files.StatePath, destinationBackupFileName: null);
            }
            else
            {
                File.Move(temp, files.StatePath);
            }
        }
        finally
        {
            ExportFiles.TryDelete(temp);
        }
    }

    /// <summary>The parameters in which a new run differs from this state, for a refusal; empty when it may resume.</summary>
    public IReadOnlyList<string> Differences(ResumeState run)
    {
        var differences = new List<string>();
        Compare(differences, "DataMethod", DataMethod, run.DataMethod);
        Compare(differences, "Account", Account, run.Account);
        Compare(differences, "BaseUri", BaseUri, run.BaseUri);
        Compare(differences, "From", Date(FromMilliseconds), Date(run.FromMilliseconds));
        Compare(differences, "To", ToGiven ? Date(ToMilliseconds) : "(not given)", run.ToGiven ? Date(run.ToMilliseconds) : "(not given)");
        Compare(differences, "ChunkDays", ChunkDays.ToString(CultureInfo.InvariantCulture), run.ChunkDays.ToString(CultureInfo.InvariantCulture));
        Compare(differences, "Format", Format, run.Format);
        Compare(differences, "Encoding", Encoding, run.Encoding);
        return differences;
    }

    private static void Compare(List<string> differences, string name, string kept, string now)
    {
        if (!string.Equals(kept, now, StringComparison.Ordinal))
        {
            differences.Add(string.Format(CultureInfo.InvariantCulture, "-{0} {1} (the kept export has {2})", name, now, kept));
        }
    }

    private static string Date(long milliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
