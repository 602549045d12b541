namespace MeetEngage.Json;

/// <summary>A property name decoded once; <see cref="Slot"/> is shared by names equal ignoring case.</summary>
internal sealed class PropertyName
{
    public PropertyName(string text, int slot, byte[]? raw = null)
    {
        Text = text;
        Slot = slot;
        Raw = raw;
    }

    public string Text { get; }

    public int Slot { get; }

    /// <summary>The name's bytes as the body sends them; null for a name the table did not keep.</summary>
    public byte[]? Raw { get; }

    /// <summary>The name that followed this one in the last object that had it: the next guess.</summary>
    public PropertyName? Next { get; set; }
}
