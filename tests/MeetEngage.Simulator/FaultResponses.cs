using System;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace MeetEngage.Simulator;

/// <summary>The responses of faults that replace the normal response outright (no auth, validation or rate limit).</summary>
internal static class FaultResponses
{
    private static readonly byte[] Filler = CreateFiller();

    /// <summary>The status the fault will send, known before anything is written (for rate-limit accounting).</summary>
    public static int StatusOf(Fault fault) => fault.Kind is FaultKind.Status or FaultKind.Raw or FaultKind.Html or FaultKind.Redirect ? fault.Status : 200;

    public static async Task WriteAsync(HttpContext context, Fault fault, CancellationToken cancellationToken)
    {
        HttpResponse response = context.Response;
        switch (fault.Kind)
        {
            case FaultKind.Status:
                if (fault.RetryAfter is not null)
                {
                    response.Headers.RetryAfter = fault.RetryAfter;
                }

                await Responses.WriteBytesAsync(context, fault.Status, fault.ContentType, fault.Body ?? [], cancellationToken);
                break;

            case FaultKind.Raw:
                await Responses.WriteBytesAsync(context, fault.Status, fault.ContentType, fault.Body ?? [], cancellationToken);
                break;

            case FaultKind.Html:
                await Responses.WriteBytesAsync(context, fault.Status, "text/html; charset=utf-8", HtmlPage(fault.Status), cancellationToken);
                break;

            case FaultKind.Redirect:
                response.StatusCode = fault.Status;
                response.Headers.Location = fault.Location;
                response.ContentLength = 0;
                break;

            case FaultKind.NotArray:
                await Responses.WriteBytesAsync(context, 200, Responses.JsonContentType, """{"output": {"a":1}}"""u8.ToArray(), cancellationToken);
                break;

            case FaultKind.RowsNotObjects:
                await Responses.WriteBytesAsync(context, 200, Responses.JsonContentType, """{"output":[1,"x",[2]]}"""u8.ToArray(), cancellationToken);
                break;

            case FaultKind.NoOutput:
                await Responses.WriteBytesAsync(context, 200, Responses.JsonContentType, """{"something":"else"}"""u8.ToArray(), cancellationToken);
                break;

            case FaultKind.ErrorBody:
                await Responses.WriteErrorAsync(context, 200, fault.Message, cancellationToken);
                break;

            case FaultKind.HugeValue:
                await WriteHugeValueAsync(context, fault.Bytes, cancellationToken);
                break;

            case FaultKind.DeepNesting:
                await WriteDeepNestingAsync(context, fault.Depth, cancellationToken);
                break;

            case FaultKind.Endless:
                await WriteEndlessAsync(context, fault.Duration, cancellationToken);
                break;

            default:
                throw new UnreachableException($"{fault.Kind} modifies the normal response; it is not a replacement.");
        }
    }

    // {"output":[{"Value":"xxxx…"}]} with a string of exactly `bytes` bytes, streamed.
    private static async Task WriteHugeValueAsync(HttpContext context, long bytes, CancellationToken cancellationToken)
    {
        JsonSink sink = StartJson(context, cancellationToken);
        sink.Write("{\"output\":[{\"Value\":\""u8);
        for (long left = bytes; left > 0;)
        {
            int chunk = (int)Math.Min(left, Filler.Length);
            sink.Write(Filler.AsSpan(0, chunk));
            left -= chunk;
            await sink.FlushIfNeededAsync();
        }

        sink.Write("\"}]}"u8);
        await sink.FlushAsync();
    }

    // {"output":[{"Value":[[[…]]]}]} with `depth` nested arrays, streamed.
    private static async Task WriteDeepNestingAsync(HttpContext context, int depth, CancellationToken cancellationToken)
    {
        JsonSink sink = StartJson(context, cancellationToken);
        sink.Write("""{"output":[{"Value":"""u8);
        await WriteRepeatedAsync(sink, (byte)'[', depth);
        await WriteRepeatedAsync(sink, (byte)']', depth);
        sink.Write("}]}"u8);
        await sink.FlushAsync();
    }

    // {"output":[{"a":"xxxx… until the client gives up or the time is up; the JSON never closes.
    private static async Task WriteEndlessAsync(HttpContext context, TimeSpan limit, CancellationToken cancellationToken)
    {
        JsonSink sink = StartJson(context, cancellationToken);
        sink.Write("{\"output\":[{\"a\":\""u8);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            sink.Write(Filler);
            await sink.FlushAsync();
        }

        context.Abort();
    }

    private static async ValueTask WriteRepeatedAsync(JsonSink sink, byte value, int count)
    {
        byte[] block = new byte[Math.Min(count, JsonSink.FlushThreshold)];
        block.AsSpan().Fill(value);
        for (int left = count; left > 0; left -= block.Length)
        {
            sink.Write(block.AsSpan(0, Math.Min(left, block.Length)));
            await sink.FlushIfNeededAsync();
        }
    }

    private static JsonSink StartJson(HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = Responses.JsonContentType;
        return new JsonSink(context.Response.BodyWriter, cancellationToken);
    }

    // What a proxy or load balancer in front of an API typically sends instead of JSON.
    private static byte[] HtmlPage(int status)
    {
        string reason = WebUtility.HtmlEncode(ReasonPhrases.GetReasonPhrase(status));
        return Encoding.UTF8.GetBytes($"""
            <!DOCTYPE html>
            <html>
            <head><title>{status} {reason}</title></head>
            <body>
            <h1>{status} {reason}</h1>
            <p>The server could not complete your request. Please try again later.</p>
            <hr><address>nginx</address>
            </body>
            </html>
            """);
    }

    private static byte[] CreateFiller()
    {
        byte[] filler = new byte[JsonSink.FlushThreshold];
        filler.AsSpan().Fill((byte)'x');
        return filler;
    }
}
