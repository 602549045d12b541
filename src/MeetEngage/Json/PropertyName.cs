namespace MeetEngage.Json;

/// <summary>A property name decoded once; <see cref="Slot"/> is shared by names equal ignoring case.</summary>
internal sealed class PropertyName
{
    public PropertyName(string text, int slot, byte[]? raw = null)
    {
        Text = RowPropertyNames.For(text);
        SentAs = ReferenceEquals(Text, text) ? null : text;
        Slot = slot;
        Raw = raw;
    }

    /// <summary>The name the row's property gets (see <see cref="RowPropertyNames"/>).</summary>
    public string Text { get; }

    /// <summary>The key as sent when it is kept under another name; null otherwise.</summary>
    public string? SentAs { get; }

    /// <summary>Whether the renaming was reported for this response.</summary>
    public bool RenameReported { get; set; }

    public int Slot { get; }

    /// <summary>The name's bytes as the body sends them; null for a name the table did not keep.</summary>
    public byte[]? Raw { get; }

    /// <summary>The name that followed this one in the last object that had it: the next guess.</summary>
    public PropertyName? Next { get; set; }
}
