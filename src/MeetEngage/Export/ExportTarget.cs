using System;
using System.IO;
using System.Management.Automation;

namespace MeetEngage.Export;

/// <summary>
/// Resolves -Path as PowerShell paths go (relative to the current location, PSDrives, ~) to a file
/// system path, and refuses what cannot become the export's file before any request is sent.
/// </summary>
internal static class ExportTarget
{
    public static string Resolve(SessionState state, string path, bool noClobber)
    {
        string full;
        ProviderInfo provider;
        try
        {
            full = state.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or ArgumentException or PSInvalidOperationException)
        {
            throw Refusal(ErrorKind.InvalidArgument, "ExportPathInvalid", "-Path '" + path + "' is not a usable file path: " + e.Message);
        }

        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            throw Refusal(ErrorKind.InvalidArgument, "ExportPathNotFileSystem", "-Path '" + path + "' is on the " + provider.Name + " provider; Export-MeetEngageData writes files, so give a file system path.");
        }

        if (Directory.Exists(full))
        {
            throw Refusal(ErrorKind.InvalidArgument, "ExportPathIsFolder", "-Path '" + full + "' is a folder; give the path of the file to write, e.g. '" + System.IO.Path.Combine(full, "export.csv") + "'.");
        }

        var folder = System.IO.Path.GetDirectoryName(full);
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            throw Refusal(ErrorKind.NotFound, "ExportFolderMissing", "The folder of -Path '" + full + "' does not exist; create it first (New-Item -ItemType Directory).");
        }

        if (noClobber && File.Exists(full))
        {
            throw Refusal(ErrorKind.InvalidArgument, "ExportFileExists", "The file '" + full + "' already exists and -NoClobber was given; nothing was requested. Choose another path or leave out -NoClobber to replace it.");
        }

        return full;
    }

    /// <summary>The format the extension names: .jsonl and .ndjson are JSON Lines, anything else CSV.</summary>
    public static ExportFormat FormatOf(string path)
    {
        var extension = System.IO.Path.GetExtension(path);
        return string.Equals(extension, ".jsonl", StringComparison.OrdinalIgnoreCase) || string.Equals(extension, ".ndjson", StringComparison.OrdinalIgnoreCase)
            ? ExportFormat.JsonLines
            : ExportFormat.Csv;
    }

    private static MeetEngageException Refusal(ErrorKind kind, string id, string message) => new(kind, id, message);
}
