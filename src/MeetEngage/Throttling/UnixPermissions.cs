using System;
using System.IO;
using System.Reflection;

namespace MeetEngage.Throttling;

/// <summary>
/// Owner-only folders on Linux and macOS. netstandard2.0 has no API for Unix permissions, but
/// every runtime PowerShell runs on there (.NET 8 or later) has <c>File.GetUnixFileMode</c>,
/// <c>File.SetUnixFileMode</c> and <c>Directory.CreateDirectory(path, mode)</c>: found at run time.
/// </summary>
internal static class UnixPermissions
{
    public const int OwnerOnly = 0x1C0; // 0700
    public const int OwnerReadWrite = 0x180; // 0600
    public const int OthersWrite = 0x2; // 0002

    private static readonly Type? ModeType = typeof(File).Assembly.GetType("System.IO.UnixFileMode");
    private static readonly MethodInfo? GetMode = ModeType is null ? null : typeof(File).GetMethod("GetUnixFileMode", [typeof(string)]);
    private static readonly MethodInfo? SetMode = ModeType is null ? null : typeof(File).GetMethod("SetUnixFileMode", [typeof(string), ModeType]);
    private static readonly MethodInfo? CreateWithMode = ModeType is null ? null : typeof(Directory).GetMethod("CreateDirectory", [typeof(string), ModeType]);

    public static bool Available => GetMode is not null && SetMode is not null && CreateWithMode is not null;

    /// <summary>Creates the folder (and missing parents) with <paramref name="mode"/>; nothing if it exists.</summary>
    public static void CreateDirectory(string path, int mode) => Invoke(CreateWithMode, path, Enum.ToObject(ModeType!, mode));

    /// <summary>The permission bits of <paramref name="path"/>.</summary>
    public static int Mode(string path) => Convert.ToInt32(Invoke(GetMode, path, null), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Sets the permission bits; the system refuses unless the caller owns the path.</summary>
    public static void SetPermissions(string path, int mode) => Invoke(SetMode, path, Enum.ToObject(ModeType!, mode));

    private static object? Invoke(MethodInfo? method, string path, object? mode)
    {
        if (method is null)
        {
            throw new PlatformNotSupportedException("This runtime cannot set Unix file permissions.");
        }

        try
        {
            return method.Invoke(null, mode is null ? [path] : [path, mode]);
        }
        catch (TargetInvocationException invocation) when (invocation.InnerException is not null)
        {
            // The caller handles the real IOException / UnauthorizedAccessException.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(invocation.InnerException).Throw();
            throw;
        }
    }
}
