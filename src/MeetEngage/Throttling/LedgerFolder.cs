using System;
using System.IO;
using System.Runtime.InteropServices;

namespace MeetEngage.Throttling;

/// <summary>Where the machine-wide ledgers live, or why they cannot live anywhere here.</summary>
/// <param name="Path">The prepared folder; null when <paramref name="Problem"/> says why not.</param>
internal sealed record LedgerFolder(string? Path, string? Problem)
{
    public const string FolderName = "MeetEngage";

    /// <summary>
    /// Finds and prepares the user's own folder: <c>%LOCALAPPDATA%\MeetEngage</c> on Windows;
    /// <c>$XDG_RUNTIME_DIR/MeetEngage</c>, else <c>~/.cache/MeetEngage</c>, owner-only (0700), on
    /// Linux and macOS. Never a folder every user can write to, never a link planted in our place.
    /// </summary>
    public static LedgerFolder Prepare(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        try
        {
            return RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? PrepareWindows(environment) : PrepareUnix(environment);
        }
        catch (Exception problem) when (problem is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or PlatformNotSupportedException or System.Security.SecurityException)
        {
            return Refused(problem.Message);
        }
    }

    /// <summary>True when <paramref name="path"/> is a symbolic link or junction (dangling or not).</summary>
    public static bool IsLink(string path)
    {
        var attributes = new FileInfo(path).Attributes;
        return (int)attributes != -1 && (attributes & FileAttributes.ReparsePoint) != 0;
    }

    private static LedgerFolder PrepareWindows(Func<string, string?> environment)
    {
        // The variable first, so that a test (or a user) can point a process elsewhere.
        var root = environment("LOCALAPPDATA");
        if (string.IsNullOrEmpty(root))
        {
            root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        }

        if (string.IsNullOrEmpty(root) || !System.IO.Path.IsPathRooted(root))
        {
            return Refused("%LOCALAPPDATA% is not set");
        }

        var folder = System.IO.Path.Combine(root, FolderName);
        if (IsLink(folder))
        {
            return Refused(folder + " is a link, not a folder of this user's own");
        }

        // LocalAppData is already the user's own (its ACL): nothing to tighten.
        Directory.CreateDirectory(folder);
        return IsLink(folder) ? Refused(folder + " is a link, not a folder of this user's own") : new LedgerFolder(folder, null);
    }

    private static LedgerFolder PrepareUnix(Func<string, string?> environment)
    {
        if (!UnixPermissions.Available)
        {
            return Refused("this runtime cannot make an owner-only folder");
        }

        // .NET can be told not to lock files on Unix; a ledger without its lock would lose updates.
        var lockingOff = environment("DOTNET_SYSTEM_IO_DISABLEFILELOCKING");
        if ((AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var switchedOff) && switchedOff) ||
            string.Equals(lockingOff, "1", StringComparison.Ordinal) || string.Equals(lockingOff, "true", StringComparison.OrdinalIgnoreCase))
        {
            return Refused("file locking is turned off in this process (DOTNET_SYSTEM_IO_DISABLEFILELOCKING)");
        }

        var root = environment("XDG_RUNTIME_DIR");
        if (string.IsNullOrEmpty(root))
        {
            var home = environment("HOME");
            if (string.IsNullOrEmpty(home))
            {
                home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            }

            root = string.IsNullOrEmpty(home) ? null : System.IO.Path.Combine(home, ".cache");
        }

        if (root is null || !System.IO.Path.IsPathRooted(root))
        {
            return Refused("neither $XDG_RUNTIME_DIR nor $HOME names a folder");
        }

        if (Directory.Exists(root))
        {
            // /tmp and its like: anyone could plant the folder before us, or fill it.
            if ((UnixPermissions.Mode(root) & UnixPermissions.OthersWrite) != 0)
            {
                return Refused(root + " is writable by every user");
            }
        }
        else
        {
            UnixPermissions.CreateDirectory(root, UnixPermissions.OwnerOnly);
        }

        var folder = System.IO.Path.Combine(root, FolderName);
        if (IsLink(folder))
        {
            return Refused(folder + " is a link, not a folder of this user's own");
        }

        UnixPermissions.CreateDirectory(folder, UnixPermissions.OwnerOnly);
        if (IsLink(folder) || !Directory.Exists(folder))
        {
            return Refused(folder + " is not a folder of this user's own");
        }

        // Only the owner may change a folder's permissions: this both proves the folder is ours
        // and puts right one that was created with a wider mode.
        UnixPermissions.SetPermissions(folder, UnixPermissions.OwnerOnly);
        return new LedgerFolder(folder, null);
    }

    private static LedgerFolder Refused(string problem) => new(null, problem);
}
