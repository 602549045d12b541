using System.Management.Automation;

namespace MeetEngage.Json;

/// <summary>Rows and nested objects as PSCustomObjects, properties in the order the API sent them.</summary>
internal sealed class PSObjectRowBuilder : IRowBuilder<PSObject>
{
    public static readonly PSObjectRowBuilder Instance = new();

    public PSObject NewObject() => new();

    // The reader has already ruled out a repeated name (ignoring case), so PowerShell's own
    // duplicate check, a large part of the cost per property, can be skipped.
    public void Add(PSObject target, string name, object? value) =>
        target.Properties.Add(new PSNoteProperty(name, value), preValidated: true);

    public void Replace(PSObject target, string name, object? value) =>
        target.Properties[name].Value = value;
}
