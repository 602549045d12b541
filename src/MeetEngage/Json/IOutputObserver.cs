namespace MeetEngage.Json;

/// <summary>Receives what the body carries beside <c>output</c>.</summary>
internal interface IOutputObserver
{
    /// <summary>A top-level property other than <c>output</c>, with its parsed value.</summary>
    void OnMetadata(string name, object? value);

    /// <summary>Something odd but not fatal about the body, such as a repeated property name.</summary>
    void OnAnomaly(string message);
}
