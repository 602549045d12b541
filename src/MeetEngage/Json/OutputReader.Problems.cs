using System;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>What the reader tells: anomalies and metadata to the observer, and failures that quote the body safely.</summary>
internal sealed partial class OutputReader<TObject>
{
    private void ReportRename(PropertyName name)
    {
        name.RenameReported = true;
        if (_renamesReported++ < MaxRenameReports)
        {
            var what = name.SentAs!.Length == 0 ? "a property with an empty name" : "the property '" + name.SentAs + "', a name PowerShell reserves for every object's own members";
            Notify(null, null, string.Format(CultureInfo.InvariantCulture, "The response has {0} (near row {1}); it is kept as the property '{2}'.", what, RowsRead + 1, name.Text));
        }
    }

    /// <summary>
    /// Hands metadata or an anomaly to the observer. The cmdlet's observer writes to PowerShell's
    /// streams, which may throw (a NonInteractive host asked to Inquire, a stopping pipeline):
    /// the catch filters in TryReadRow let that through as it is, instead of calling it bad JSON.
    /// </summary>
    private void Notify(string? metadataName, object? value, string? anomaly)
    {
        if (_observer is null)
        {
            return;
        }

        _notifying = true;
        try
        {
            if (anomaly is null)
            {
                _observer.OnMetadata(metadataName!, value);
            }
            else
            {
                _observer.OnAnomaly(anomaly);
            }
        }
        finally
        {
            _notifying = false;
        }
    }

    /// <summary>
    /// Metadata texts go to the warning, error and verbose streams; one that echoes our
    /// Authorization header (a reflecting proxy) must not carry it there. Rows are data: untouched.
    /// </summary>
    private object? RedactMetadata(object? value) => value is string text && _redact is not null ? _redact(text) : value;

    private MeetEngageException InvalidData(string problem, Exception? inner) =>
        new(ErrorKind.InvalidData, "InvalidResponse", string.Format(CultureInfo.InvariantCulture, "The response is not the JSON the API sends: {0} (at byte {1}, after {2} rows). {3}", problem, _tokenAt, RowsRead, Excerpt()), inner)
        {
            RowsWritten = RowsRead,
        };

    /// <summary>
    /// A short, printable excerpt: the body's start when the problem is near it (an HTML page,
    /// the wrong shape), else the bytes just before and at the failing token.
    /// </summary>
    private string Excerpt()
    {
        if (_tokenAt >= ExcerptChars - ExcerptLead)
        {
            var from = (int)Math.Max(0, _tokenAt - ExcerptLead - _bytesBefore);
            if (from < _end)
            {
                return "Near there it read: " + Excerpts.Printable(new ArraySegment<byte>(_buffer, from, Math.Min(_end - from, ExcerptChars * 4)), ExcerptChars, _redact);
            }
        }

        TopUpForExcerpt();
        return "It began: " + Excerpts.Printable(new ArraySegment<byte>(_head, 0, _headLength), ExcerptChars, _redact);
    }

    /// <summary>
    /// When a body fails at its very start (an HTML page, say), reads a little more so the
    /// message shows what it was. Bounded: a few reads, each already bounded by the stream.
    /// </summary>
    private void TopUpForExcerpt()
    {
        try
        {
            for (var reads = 0; reads < 16 && !_endOfStream && _headLength < _head.Length && _end < _buffer.Length; reads++)
            {
                ReadMore(Math.Min(_buffer.Length - _end, _head.Length - _headLength));
            }
        }
        catch (Exception e) when (e is IOException or MeetEngageException or ObjectDisposedException or OperationCanceledException)
        {
            // The excerpt is a courtesy; the error being reported is the real one.
        }
    }

    private string Describe(JsonException e)
    {
        // Utf8JsonReader's messages are precise but long; keep the first sentence.
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        message = (cut > 0 ? message.Substring(0, cut) : message).TrimEnd();

        // Some quote the rest of the buffer ("'fals},{…' is an invalid JSON literal"): body
        // text of any length and content, so shorten the quote and treat it as untrusted.
        var quoteEnd = message.IndexOf("' is ", StringComparison.Ordinal);
        if (message.StartsWith("'", StringComparison.Ordinal) && quoteEnd > QuotedLiteralChars)
        {
            message = message.Substring(0, QuotedLiteralChars) + "…" + message.Substring(quoteEnd);
        }

        return "malformed JSON: " + Excerpts.Printable(message, ProblemChars, _redact, quoted: false);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
