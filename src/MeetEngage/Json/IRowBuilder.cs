namespace MeetEngage.Json;

/// <summary>Builds the objects that rows and nested JSON objects become.</summary>
/// <typeparam name="TObject">The object type: PSObject in the module, a dictionary in tests.</typeparam>
internal interface IRowBuilder<TObject>
    where TObject : class
{
    /// <summary>A new object; <paramref name="expectedProperties"/> is a guess (the last object at that depth).</summary>
    TObject NewObject(int expectedProperties);

    /// <summary>Adds a property the object does not have yet (compared case-insensitively).</summary>
    void Add(TObject target, string name, object? value);

    /// <summary>Sets a property the object already has: for a name repeated within one object.</summary>
    void Replace(TObject target, string name, object? value);
}
