using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace MeetEngage.Simulator;

/// <summary>
/// The test-control endpoints under <c>/_sim/</c> (no auth; never logged as API requests).
/// </summary>
internal sealed class ControlApi(FaultQueue faults, RequestLog log, RateLimiter limiter, ConnectionTracker connections)
{
    public const string Prefix = "/_sim";

    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        CancellationToken cancellationToken = context.RequestAborted;
        string path = (request.Path.Value ?? string.Empty)[Prefix.Length..].TrimEnd('/');
        switch (request.Method, path.ToLowerInvariant())
        {
            case ("POST", "/faults"):
                await AddFaultsAsync(context, cancellationToken);
                break;

            case ("GET", "/faults"):
                await Responses.WriteJsonAsync(context, 200, faults.WritePending, cancellationToken);
                break;

            case ("POST", "/reset"):
                faults.Clear();
                log.Reset();
                limiter.Reset();
                context.Response.StatusCode = 204;
                break;

            case ("GET", "/requests"):
                await Responses.WriteJsonAsync(context, 200, log.WriteRequests, cancellationToken);
                break;

            case ("GET", "/connections"):
                await Responses.WriteJsonAsync(context, 200, writer => writer.WriteNumberValue(connections.OpenApiConnections), cancellationToken);
                break;

            case ("GET", "/stats"):
                await Responses.WriteJsonAsync(context, 200, log.WriteStats, cancellationToken);
                break;

            default:
                await Responses.WriteErrorAsync(
                    context,
                    404,
                    $"No control endpoint {request.Method} {request.Path}; see POST /_sim/faults, POST /_sim/reset, GET /_sim/requests, GET /_sim/stats, GET /_sim/connections",
                    cancellationToken);
                break;
        }
    }

    private async Task AddFaultsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        List<Fault> parsed;
        try
        {
            using JsonDocument document = await JsonDocument.ParseAsync(context.Request.Body, default, cancellationToken);
            parsed = FaultParser.ParseRequest(document.RootElement);
        }
        catch (JsonException ex)
        {
            await Responses.WriteErrorAsync(context, 400, "The body is not valid JSON: " + ex.Message, cancellationToken);
            return;
        }
        catch (FormatException ex)
        {
            await Responses.WriteErrorAsync(context, 400, ex.Message, cancellationToken);
            return;
        }

        faults.Enqueue(parsed);
        context.Response.StatusCode = 204;
    }
}
