using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>
/// The decisions of the Windows PowerShell dependency resolver, checked on .NET with real
/// assembly files in a temporary dependencies folder (a copy of xunit.assert stands in for
/// System.Text.Json: any strong-named assembly does).
/// </summary>
public sealed class DependencyResolverTests : IDisposable
{
    private static readonly Assembly ModuleAssembly = typeof(DependencyResolver).Assembly;

    private readonly string _folder;
    private readonly string _dependencyPath;
    private readonly AssemblyName _dependency;

    public DependencyResolverTests()
    {
        _folder = Path.Combine(Path.GetTempPath(), "MeetEngage.DependencyResolverTests." + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        string source = typeof(Assert).Assembly.Location;
        _dependencyPath = Path.Combine(_folder, Path.GetFileName(source));
        File.Copy(source, _dependencyPath);
        _dependency = AssemblyName.GetAssemblyName(_dependencyPath);
        // Not assemblies, or misnamed: never answers.
        File.WriteAllText(Path.Combine(_folder, "NotAnAssembly.dll"), "text");
        File.Copy(source, Path.Combine(_folder, "Renamed.dll"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Request(Version? version = null, string? name = null, string? token = null)
    {
        var request = new AssemblyName(name ?? _dependency.Name!) { Version = version ?? _dependency.Version, CultureName = string.Empty };
        request.SetPublicKeyToken(token is null ? _dependency.GetPublicKeyToken() : Convert.FromHexString(token));
        return request.FullName;
    }

    [Fact]
    public void Answers_the_modules_request_with_the_file_of_that_name()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);

        Assert.Equal(_dependencyPath, resolver.FindDependency(Request(), ModuleAssembly));
    }

    [Fact]
    public void Answers_a_request_for_an_older_version_with_the_newer_file()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);

        Assert.Equal(_dependencyPath, resolver.FindDependency(Request(new Version(1, 0, 0, 0)), ModuleAssembly));
    }

    [Fact]
    public void Refuses_a_request_for_a_newer_version_than_the_file()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);
        var newer = new Version(_dependency.Version!.Major + 1, 0, 0, 0);

        Assert.Null(resolver.FindDependency(Request(newer), ModuleAssembly));
    }

    [Fact]
    public void Refuses_a_request_with_another_public_key()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);

        Assert.Null(resolver.FindDependency(Request(token: "0123456789abcdef"), ModuleAssembly));
    }

    [Theory]
    [InlineData("NotAnAssembly")]
    [InlineData("Renamed")]
    [InlineData("System.Text.Json")]
    public void Refuses_names_without_a_matching_file(string name)
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);

        Assert.Null(resolver.FindDependency(Request(name: name), ModuleAssembly));
    }

    [Fact]
    public void Leaves_requests_of_other_assemblies_and_of_unknown_origin_alone()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);

        Assert.Null(resolver.FindDependency(Request(), typeof(object).Assembly));
        Assert.Null(resolver.FindDependency(Request(), typeof(DependencyResolverTests).Assembly));
        Assert.Null(resolver.FindDependency(Request(), null));
    }

    [Fact]
    public void Answers_requests_of_an_assembly_loaded_from_the_dependencies_folder()
    {
        var context = new AssemblyLoadContext("dependencies", isCollectible: true);
        try
        {
            Assembly loadedFromFolder = context.LoadFromAssemblyPath(_dependencyPath);
            var resolver = new DependencyResolver(ModuleAssembly, _folder);

            Assert.Equal(_dependencyPath, resolver.FindDependency(Request(new Version(1, 0, 0, 0)), loadedFromFolder));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void A_missing_folder_answers_nothing()
    {
        var resolver = new DependencyResolver(ModuleAssembly, Path.Combine(_folder, "absent"));

        Assert.Null(resolver.FindDependency(Request(), ModuleAssembly));
    }

    [Fact]
    public void A_malformed_name_answers_nothing()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder);

        Assert.Null(resolver.FindDependency("xunit.assert, Version=not-a-version", ModuleAssembly));
    }

    [Fact]
    public void The_handler_loads_the_file_and_leaves_others_requests_to_the_runtime()
    {
        var loaded = new ConcurrentBag<string>();
        var resolver = new DependencyResolver(ModuleAssembly, _folder, path =>
        {
            loaded.Add(path);
            return typeof(Assert).Assembly;
        });

        Assert.Same(typeof(Assert).Assembly, resolver.Resolve(null, new ResolveEventArgs(Request(), ModuleAssembly)));
        Assert.Null(resolver.Resolve(null, new ResolveEventArgs(Request(), typeof(object).Assembly)));
        Assert.Equal(new[] { _dependencyPath }, loaded.ToArray());
    }

    [Fact]
    public void A_request_raised_while_loading_does_not_recurse()
    {
        DependencyResolver? resolver = null;
        Assembly? nested = typeof(object).Assembly;
        int loads = 0;
        resolver = new DependencyResolver(ModuleAssembly, _folder, path =>
        {
            loads++;
            nested = resolver!.Resolve(null, new ResolveEventArgs(Request(), ModuleAssembly));
            return typeof(Assert).Assembly;
        });

        Assert.Same(typeof(Assert).Assembly, resolver.Resolve(null, new ResolveEventArgs(Request(), ModuleAssembly)));
        Assert.Null(nested);
        Assert.Equal(1, loads);
        // The guard is released afterwards: the next request is answered again.
        Assert.Same(typeof(Assert).Assembly, resolver.Resolve(null, new ResolveEventArgs(Request(), ModuleAssembly)));
    }

    [Fact]
    public void Concurrent_requests_are_each_answered()
    {
        var resolver = new DependencyResolver(ModuleAssembly, _folder, _ => typeof(Assert).Assembly);

        Assembly?[] answers = new Assembly?[64];
        Parallel.For(0, answers.Length, i => answers[i] = resolver.Resolve(null, new ResolveEventArgs(Request(), ModuleAssembly)));

        Assert.All(answers, answer => Assert.Same(typeof(Assert).Assembly, answer));
    }

    [Fact]
    public void Is_not_needed_on_dotnet()
    {
        // What PowerShell 7 runs on: the module initializer must leave resolution to the runtime.
        Assert.False(DependencyResolver.IsNeeded);
    }
}

public class SupportedRuntimeTests
{
    [Theory]
    [InlineData("6.0.36")] // PowerShell 7.2, Azure Automation's 7.2 runtime
    [InlineData("7.0.20")] // PowerShell 7.3
    public void Refuses_a_runtime_older_than_NET_8(string runtime)
    {
        string? message = DependencyResolver.UnsupportedRuntimeMessage(Version.Parse(runtime));

        Assert.NotNull(message);
        Assert.Contains("PowerShell 7.4", message, StringComparison.Ordinal);
        Assert.Contains(Version.Parse(runtime).ToString(2), message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8.0.0")] // PowerShell 7.4
    [InlineData("9.0.1")] // PowerShell 7.5
    [InlineData("10.0.12")] // PowerShell 7.6
    public void Accepts_NET_8_and_later(string runtime)
    {
        Assert.Null(DependencyResolver.UnsupportedRuntimeMessage(Version.Parse(runtime)));
    }
}
