using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace MeetEngage;

/// <summary>
/// Finds System.Text.Json and its dependencies in the module's dependencies folder when the
/// .NET Framework cannot. The folder is deliberately not one PowerShell probes, so only requests
/// made by this module's own assemblies are answered here: a session in which another module
/// already uses other versions of the same libraries keeps what it has.
/// </summary>
internal sealed class DependencyResolver
{
    // A load started here can raise AssemblyResolve again on the same thread; that inner request
    // is left to the runtime instead of recursing.
    [ThreadStatic]
    private static bool t_resolving;

    private readonly Assembly _moduleAssembly;
    private readonly string _folder;
    private readonly Func<string, Assembly> _load;

    // Built once and never changed, so concurrent resolve events read it without a lock.
    private readonly Dictionary<string, Dependency> _dependencies;

    internal DependencyResolver(Assembly moduleAssembly, string folder, Func<string, Assembly>? load = null)
    {
        _moduleAssembly = moduleAssembly;
        _folder = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        _load = load ?? Assembly.LoadFrom;
        _dependencies = IndexFolder(_folder);
    }

    /// <summary>
    /// True on the .NET Framework (Windows PowerShell 5.1). PowerShell 7 brings its own, newer
    /// System.Text.Json, and nothing from the dependencies folder may replace it.
    /// </summary>
    internal static bool IsNeeded =>
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// PowerShell 7 before 7.4 (Azure Automation's 7.2 runtime among them) runs on a .NET whose
    /// System.Text.Json is older than the 8.0 the module references, and nothing may replace it.
    /// </summary>
    internal static string? UnsupportedRuntimeMessage(Version runtime) =>
        runtime.Major >= 8
            ? null
            : "MeetEngage needs PowerShell 7.4 or later, or Windows PowerShell 5.1. This PowerShell runs on .NET " + runtime.ToString(2) + ", whose System.Text.Json is older than the 8.0 the module is built for.";

    /// <summary>The resolver for the loaded module: its dependencies folder beside MeetEngage.dll.</summary>
    internal static DependencyResolver? ForModule()
    {
        var assembly = typeof(DependencyResolver).Assembly;
        string location = assembly.Location;
        if (string.IsNullOrEmpty(location))
        {
            // Loaded from bytes: there is no folder to resolve from.
            return null;
        }

        return new DependencyResolver(assembly, Path.Combine(Path.GetDirectoryName(location)!, "dependencies"));
    }

    internal void Attach() => AppDomain.CurrentDomain.AssemblyResolve += Resolve;

    internal void Detach() => AppDomain.CurrentDomain.AssemblyResolve -= Resolve;

    /// <summary>The AssemblyResolve handler.</summary>
    internal Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        if (t_resolving)
        {
            return null;
        }

        string? path = FindDependency(args.Name, args.RequestingAssembly);
        if (path is null)
        {
            return null;
        }

        t_resolving = true;
        try
        {
            // LoadFrom: an assembly of the same identity already loaded from elsewhere is
            // reused rather than loaded twice, so types stay compatible with it.
            return _load(path);
        }
        finally
        {
            t_resolving = false;
        }
    }

    /// <summary>
    /// The file that answers a request, or null when the request is not ours to answer: it must
    /// come from this module's assembly or from one loaded out of the dependencies folder, and
    /// name a file there by its exact simple name, with a version at least the one asked for and
    /// the same public key.
    /// </summary>
    internal string? FindDependency(string requestedName, Assembly? requestingAssembly)
    {
        if (!IsOurs(requestingAssembly))
        {
            return null;
        }

        AssemblyName requested;
        try
        {
            requested = new AssemblyName(requestedName);
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return null;
        }

        if (requested.Name is null || !_dependencies.TryGetValue(requested.Name, out var dependency))
        {
            return null;
        }

        if (requested.Version is not null && dependency.Name.Version < requested.Version)
        {
            return null;
        }

        byte[]? requestedToken = requested.GetPublicKeyToken();
        if (requestedToken is { Length: > 0 } && !SameBytes(requestedToken, dependency.Name.GetPublicKeyToken()))
        {
            return null;
        }

        return dependency.Path;
    }

    private bool IsOurs(Assembly? requestingAssembly)
    {
        if (requestingAssembly is null)
        {
            return false;
        }

        if (requestingAssembly == _moduleAssembly)
        {
            return true;
        }

        if (requestingAssembly.IsDynamic)
        {
            return false;
        }

        string location = requestingAssembly.Location;
        return !string.IsNullOrEmpty(location)
            && string.Equals(Path.GetDirectoryName(Path.GetFullPath(location)), _folder, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, Dependency> IndexFolder(string folder)
    {
        var dependencies = new Dictionary<string, Dependency>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(folder))
        {
            return dependencies;
        }

        foreach (string path in Directory.GetFiles(folder, "*.dll"))
        {
            AssemblyName name;
            try
            {
                // Reads the identity without loading the file.
                name = AssemblyName.GetAssemblyName(path);
            }
            catch (Exception e) when (e is BadImageFormatException or IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // Only a file named exactly as its assembly answers for that name.
            if (name.Name is not null && string.Equals(name.Name, Path.GetFileNameWithoutExtension(path), StringComparison.OrdinalIgnoreCase))
            {
                dependencies[name.Name] = new Dependency(path, name);
            }
        }

        return dependencies;
    }

    private static bool SameBytes(byte[] left, byte[]? right)
    {
        if (right is null || left.Length != right.Length)
        {
            return false;
        }

        for (int i = 0; i < left.Length; i++)
        {
            if (left[i] != right[i])
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Dependency(string Path, AssemblyName Name);
}
