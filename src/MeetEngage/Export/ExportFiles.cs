using System;
using System.IO;

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

    /// <summary>A new hidden file name beside the target, e.g. <c>.events.csv.3f2a9c1b.partial</c>.</summary>
    public string NewTempPath(string suffix) =>
        Path.Combine(Folder, "." + Name + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + "." + suffix);

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
