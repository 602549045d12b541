using System;
using System.IO;

namespace MeetEngage.Tests;

/// <summary>A test class with a folder of its own for the files it writes, deleted after each test.</summary>
public abstract class TempFolderTests : IDisposable
{
    protected TempFolderTests(string prefix)
    {
        Folder = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    protected string Folder { get; }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}
