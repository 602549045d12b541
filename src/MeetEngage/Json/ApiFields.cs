using System;

namespace MeetEngage.Json;

/// <summary>The names the API gives the parts of a body beside its rows; compared ignoring case.</summary>
internal static class ApiFields
{
    public const string Output = "output";

    /// <summary>Where an error body may carry the API's own message, in the order they are read.</summary>
    public static readonly string[] ErrorMessage = { "error", "message", "errors" };

    public static bool IsError(string name) => Is(name, "error") || Is(name, "errors");

    public static bool IsWarning(string name) => Is(name, "warning") || Is(name, "warnings");

    private static bool Is(string name, string field) => string.Equals(name, field, StringComparison.OrdinalIgnoreCase);
}
