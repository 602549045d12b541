using System;
using System.Collections.Generic;
using System.IO;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>The folder rules on Linux and macOS (Windows relies on LocalAppData's own ACL).</summary>
public sealed class LedgerFolderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("meetengage-folder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Func<string, string?> Environment(string? runtimeDir, string? home = null)
    {
        var variables = new Dictionary<string, string?> { ["XDG_RUNTIME_DIR"] = runtimeDir, ["HOME"] = home };
        return name => variables.TryGetValue(name, out var value) ? value : null;
    }

    [Fact]
    public void The_folder_is_made_owner_only_under_XDG_RUNTIME_DIR()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = LedgerFolder.Prepare(Environment(_root, "/nonexistent-home"));

        Assert.Null(folder.Problem);
        Assert.Equal(Path.Combine(_root, "MeetEngage"), folder.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder.Path!));
    }

    [Fact]
    public void Without_XDG_RUNTIME_DIR_the_folder_is_under_the_home_cache()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = LedgerFolder.Prepare(Environment(null, _root));

        Assert.Equal(Path.Combine(_root, ".cache", "MeetEngage"), folder.Path);
    }

    [Fact]
    public void A_folder_made_earlier_with_wider_permissions_is_tightened()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var existing = Directory.CreateDirectory(Path.Combine(_root, "MeetEngage")).FullName;
        File.SetUnixFileMode(existing, (UnixFileMode)0x1FF);

        LedgerFolder.Prepare(Environment(_root));

        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(existing));
    }

    [Fact]
    public void A_folder_every_user_can_write_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(_root, (UnixFileMode)0x3FF); // like /tmp: 1777

        var folder = LedgerFolder.Prepare(Environment(_root));

        Assert.Null(folder.Path);
        Assert.Contains("writable by every user", folder.Problem, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root, "MeetEngage")));
    }

    [Fact]
    public void A_link_planted_in_place_of_the_folder_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        var runtime = Directory.CreateDirectory(Path.Combine(_root, "runtime")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(runtime, "MeetEngage"), elsewhere);

        var folder = LedgerFolder.Prepare(Environment(runtime));

        Assert.Null(folder.Path);
        Assert.Contains("is a link", folder.Problem, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_a_problem_not_an_exception()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // Even root cannot make a folder under a plain file.
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, string.Empty);

        var folder = LedgerFolder.Prepare(Environment(Path.Combine(file, "runtime")));

        Assert.Null(folder.Path);
        Assert.False(string.IsNullOrEmpty(folder.Problem));
    }

    [Fact]
    public void A_process_told_not_to_lock_files_does_not_use_the_ledger()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var folder = LedgerFolder.Prepare(name => name switch
        {
            "XDG_RUNTIME_DIR" => _root,
            "DOTNET_SYSTEM_IO_DISABLEFILELOCKING" => "1",
            _ => null,
        });

        Assert.Null(folder.Path);
        Assert.Contains("file locking is turned off", folder.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_folder_is_refused()
    {
        var folder = LedgerFolder.Prepare(name => name is "XDG_RUNTIME_DIR" or "LOCALAPPDATA" ? "relative/dir" : null);

        Assert.Null(folder.Path);
    }
}
