using System.Runtime.CompilerServices;

namespace MeetEngage;

/// <summary>
/// MethodImplOptions.AggressiveOptimization, which netstandard2.0 does not name: the method is
/// compiled fully optimized at once instead of starting as unoptimized, instrumented code. An
/// export runs its per-row methods millions of times from the first call of a process, where
/// tiered compilation otherwise spends a second or more in slow code. .NET Framework ignores the flag.
/// </summary>
internal static class HotPath
{
    public const MethodImplOptions Optimized = (MethodImplOptions)512;
}
