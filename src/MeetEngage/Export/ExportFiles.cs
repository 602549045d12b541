using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace MeetEngage.Export;

/// <summary>
/// The files of one export, all in the target's folder so that the final move is a rename on the
/// same volume: hidden (dot-named) temporary files with a random part, the resume state, and the
/// move that puts a finished file in place.
/// </summary>
internal sealed class ExportFiles
{
    public ExportFiles(string target)
    {
        Target = target;
        Folder = Path.GetDirectoryName(target)!;
        Name = Path.GetFileName(target);
        StatePath = Path.Combine(Folder, "." + Name + ".meetengage-resume.json");
    }

    public string Target { get; }

    public string Folder { get; }

    public string Name { get; }

    /// <summary>Where a failed chunked export says what it kept; the name is fixed so -Resume finds it.</summary>
    public string StatePath { get; }

    /// <summary>The suffix of an export's data file (the rows as they come, kept for -Resume).</summary>
    public const string DataSuffix = "partial";

    /// <summary>The suffix of a file being finished: the final file before its move, the resume state before its replace.</summary>
    public const string FinishingSuffix = "tmp";

    // Hex digits of the random part of a temporary name.
    private const int RandomDigits = 8;

    /// <summary>A new hidden file name beside the target, e.g. <c>.events.csv.3f2a9c1b.partial</c>.</summary>
    public string NewTempPath(string suffix) =>
        Path.Combine(Folder, "." + Name + "." + Guid.NewGuid().ToString("N").Substring(0, RandomDigits) + "." + suffix);

    /// <summary>
    /// Puts a finished file in place in one rename. File.Replace swaps it in over an existing
    /// target (ReplaceFile on Windows, rename(2) elsewhere); a new target is a plain move.
    /// </summary>
    public void MoveIntoPlace(string finished)
    {
        if (File.Exists(Target))
        {
            File.Replace(finished, Target, destinationBackupFileName: null);
        }
        else
        {
            File.Move(finished, Target);
        }
    }

    /// <summary>
    /// Deletes the temporary files an earlier export of this target left when its process was
    /// killed (it cannot clean up): hidden files named as <see cref="NewTempPath"/> names them, other
    /// than <paramref name="keep"/> (data kept for -Resume), that no process has open. Every export
    /// holds its files open without sharing, so a file another export is writing stays; returns the
    /// names of those deleted.
    /// </summary>
    public IReadOnlyList<string> RemoveAbandoned(string? keep)
    {
        var removed = new List<string>();
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(Folder, "." + Name + ".*").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return removed;
        }

        foreach (var path in candidates)
        {
            var name = Path.GetFileName(path);
            if (!IsTempName(name) || (keep is not null && string.Equals(Path.GetFileName(keep), name, StringComparison.Ordinal)))
            {
                continue;
            }

            try
            {
                // Opening it without sharing fails while its export still has it open.
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                }

                File.Delete(path);
                removed.Add(name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // In use, or not ours to delete: left as it is.
            }
        }

        return removed;
    }

    /// <summary>Whether <paramref name="name"/> is one <see cref="NewTempPath"/> makes for this target: <c>.name.</c>, the random hex digits, <see cref="DataSuffix"/> or <see cref="FinishingSuffix"/>.</summary>
    private bool IsTempName(string name)
    {
        var prefix = "." + Name + ".";
        if (!name.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = name.Substring(prefix.Length);
        return rest.IndexOf('.') == RandomDigits
            && rest.Substring(0, RandomDigits).All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))
            && rest.Substring(RandomDigits + 1) is DataSuffix or FinishingSuffix;
    }

    /// <summary>Deletes a file of ours if it is there; a failure to clean up never hides the real error.</summary>
    public static void TryDelete(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind; the export's own outcome is what the user needs to hear about.
        }
    }
}
