using System;
using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace MeetEngage.Simulator;

/// <summary>
/// Streams a response body straight into Kestrel's pipe (no copy, no buffering of the whole body) and flushes
/// every 64 KB, which sends a chunk and applies back-pressure from a slow client.
/// </summary>
internal sealed class JsonSink(PipeWriter writer, CancellationToken cancellationToken)
{
    public const int FlushThreshold = 64 * 1024;

    private int _unflushed;

    /// <summary>Rows written so far; decides whether the next row needs a leading comma.</summary>
    public long RowCount { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        writer.Write(bytes);
        _unflushed += bytes.Length;
    }

    /// <summary>Writes the comma that separates this row from the previous one, and counts the row.</summary>
    public void BeginRow()
    {
        if (RowCount++ > 0)
        {
            Write(","u8);
        }
    }

    /// <summary>For generators that format rows in place: at least <paramref name="sizeHint"/> bytes.</summary>
    public Memory<byte> GetMemory(int sizeHint) => writer.GetMemory(sizeHint);

    public void Advance(int bytes, long rows)
    {
        writer.Advance(bytes);
        _unflushed += bytes;
        RowCount += rows;
    }

    public ValueTask FlushIfNeededAsync() => _unflushed >= FlushThreshold ? FlushAsync() : ValueTask.CompletedTask;

    public async ValueTask FlushAsync()
    {
        _unflushed = 0;
        FlushResult result = await writer.FlushAsync(cancellationToken);

        // Kestrel keeps accepting writes after the client has gone; the token is what tells us to stop.
        cancellationToken.ThrowIfCancellationRequested();
        if (result.IsCanceled || result.IsCompleted)
        {
            throw new OperationCanceledException("The client stopped reading the response.");
        }
    }
}

/// <summary>JSON building helpers shared by the API and the control endpoints.</summary>
internal static class JsonText
{
    /// <summary>Relaxed escaping so names and values with non-ASCII text stay readable on the wire.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// A JSON string literal that escapes only what JSON requires (quote, backslash, control characters), so
    /// non-ASCII text and emoji reach the client as raw UTF-8 (the encoders would escape emoji as surrogates).
    /// </summary>
    public static byte[] QuoteMinimal(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < ' ')
                    {
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

/// <summary>Small, fully buffered responses (errors, control endpoints).</summary>
internal static class Responses
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public static async Task WriteBytesAsync(HttpContext context, int status, string contentType, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;

        // These statuses must not carry a body; Kestrel refuses to write one.
        if (status is 204 or 205 or 304)
        {
            return;
        }

        response.ContentType = contentType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    public static Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
        => WriteBytesAsync(context, status, JsonContentType, JsonText.Build(write), cancellationToken);

    public static Task WriteErrorAsync(HttpContext context, int status, string message, CancellationToken cancellationToken)
        => WriteJsonAsync(
            context,
            status,
            writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("error", message);
                writer.WriteEndObject();
            },
            cancellationToken);
}
