using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>
/// A row builder that takes each row as its JSON tokens, straight from the reader, instead of
/// having an object built per row: a file export writes the row's bytes and never needs the
/// objects. The reader still checks the JSON, resolves property names and spots a key repeated
/// within one object; objects outside <c>output</c> (the API's metadata) are still built with
/// <see cref="IRowBuilder{TObject}"/>.
/// </summary>
/// <typeparam name="TObject">What the reader returns for each row.</typeparam>
internal interface IRowTokens<out TObject>
{
    /// <summary>
    /// A row begins: its <c>{</c> comes next. Whatever a row left unfinished (a response that
    /// broke off in its first row and is requested again) is to be dropped.
    /// </summary>
    void RowStarted();

    /// <summary>
    /// One token of the current row, from the row's own <c>{</c> to its closing <c>}</c>; for a
    /// property name, <paramref name="name"/> is that name as the reader resolved it, else null.
    /// </summary>
    void Token(ref Utf8JsonReader reader, PropertyName? name);

    /// <summary>
    /// The row's closing <c>}</c> was the last token. <paramref name="repeatedKey"/>: some object
    /// in the row had a key twice (ignoring case), of which only the last value counts.
    /// </summary>
    TObject RowEnded(bool repeatedKey);
}
