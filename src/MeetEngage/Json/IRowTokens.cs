using System;
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
    /// Whether <see cref="RowEnded"/> needs the row's compact length: counting it costs a little on
    /// every token, for a builder that may write the body's bytes as they are.
    /// </summary>
    bool WantsCompactLength { get; }

    /// <summary>
    /// Whether <see cref="Token"/> is to get a row's tokens; when false it is never called, and
    /// <see cref="RowEnded"/> gets the row's own property names instead (a call per token costs).
    /// </summary>
    bool WantsTokens { get; }

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
    /// Bytes of the current row as the body sent them, from its <c>{</c> on, which the reader is
    /// about to drop to make room: the row so far, or since the last call.
    /// </summary>
    void RowBytes(ReadOnlySpan<byte> bytes);

    /// <summary>
    /// The row's closing <c>}</c> was the last token. <paramref name="lastBytes"/>: the row's bytes
    /// since the last <see cref="RowBytes"/> (all of them when there was none), up to its <c>}</c>.
    /// <paramref name="names"/>: without <see cref="WantsTokens"/>, the row's own property names in
    /// their order (not those of objects within it), else empty; valid only during the call.
    /// <paramref name="repeatedKey"/>: some object in the row had a key twice (ignoring case), of
    /// which only the last value counts. <paramref name="compactBytes"/>: the row's length as compact
    /// JSON; when the row's bytes are that long and <paramref name="unescaped"/> (no string or name
    /// has an escape), the bytes are the row's compact JSON. Both only with <see cref="WantsCompactLength"/>
    /// (else -1 and false).
    /// </summary>
    TObject RowEnded(ReadOnlySpan<byte> lastBytes, ReadOnlySpan<PropertyName> names, bool repeatedKey, long compactBytes, bool unescaped);
}
