using System;

namespace MeetEngage.Throttling;

/// <summary>Jitter for backoffs: one generator per thread, seeded apart, since Random is not thread-safe.</summary>
internal static class ThreadSafeRandom
{
    [ThreadStatic]
    private static Random? _random;

    public static double NextDouble() => (_random ??= new Random(Guid.NewGuid().GetHashCode())).NextDouble();
}
