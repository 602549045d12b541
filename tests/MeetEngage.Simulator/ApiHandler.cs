using System;
using System.Globalization;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MeetEngage.Simulator;

/// <summary>
/// The Data API itself: <c>GET /api/1.0/rest</c> and <c>GET /api/1.0/rest/organisation_data</c>, with faults
/// applied per request. Every request here is logged for <c>/_sim/requests</c>.
/// </summary>
internal sealed class ApiHandler(
    KeyStore keys,
    RateLimiter limiter,
    FaultQueue faults,
    RequestLog log,
    DataCatalog catalog,
    CancellationToken stopping)
{
    public const string BasePath = "/api/1.0/rest";

    private const string WwwAuthenticate = "Basic realm=\"Meet & Engage\"";
    private const string InvalidKey = "Invalid API key or secret";

    private static readonly TimeSpan ResetGrace = TimeSpan.FromMilliseconds(100);

    public async Task HandleAsync(HttpContext context)
    {
        HttpRequest request = context.Request;
        ApiRoute route = Classify(request.Method, request.Path.Value ?? string.Empty);
        BasicCredentials credentials = BasicCredentials.FromHeader(request.Headers.Authorization);
        Fault? fault = faults.Take(route, credentials.User);
        RequestLogEntry entry = log.Begin(request, credentials, fault?.Name);

        // The status is logged when the headers go out, so a stalled response already shows as 200.
        context.Response.OnStarting(() =>
        {
            log.Complete(entry, context.Response.StatusCode);
            return Task.CompletedTask;
        });

        // Long waits and streams end when the client disconnects or the simulator shuts down.
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        CancellationToken cancellationToken = cancellation.Token;
        try
        {
            if (fault is { ModifiesNormalResponse: false })
            {
                // A 2xx made up for a data request still spends the key's budget, like a real successful call.
                if (route == ApiRoute.Data && FaultResponses.StatusOf(fault) is >= 200 and < 300 && keys.Authenticate(credentials) is not null)
                {
                    limiter.Record(credentials.User!);
                }

                await FaultResponses.WriteAsync(context, fault, cancellationToken);
                return;
            }

            if (fault?.Kind == FaultKind.Delay)
            {
                await Task.Delay(fault.Duration, cancellationToken);
            }

            switch (route)
            {
                case ApiRoute.Root:
                    await HandleRootAsync(context, credentials, fault, cancellationToken);
                    break;
                case ApiRoute.Data:
                    await HandleDataAsync(context, credentials, fault, cancellationToken);
                    break;
                default:
                    await Responses.WriteErrorAsync(context, 404, $"No resource at {request.Method} {request.Path}", cancellationToken);
                    break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException || cancellationToken.IsCancellationRequested)
        {
            // The client went away (or we are shutting down): nothing to report, just drop the connection.
            context.Abort();
        }
#pragma warning disable CA1031 // A bug in one response must not take the server down; it is reported instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await Console.Error.WriteLineAsync($"error: {request.Method} {request.Path}: {ex}");
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.Headers.Clear();
                await Responses.WriteErrorAsync(context, 500, "Simulator error: " + ex.Message, CancellationToken.None);
            }
        }
    }

    private static ApiRoute Classify(string method, string path)
    {
        if (!HttpMethods.IsGet(method))
        {
            return ApiRoute.Other;
        }

        path = path.TrimEnd('/');
        if (path.Equals(BasePath, StringComparison.OrdinalIgnoreCase))
        {
            return ApiRoute.Root;
        }

        return path.Equals(BasePath + "/organisation_data", StringComparison.OrdinalIgnoreCase) ? ApiRoute.Data : ApiRoute.Other;
    }

    private async Task HandleRootAsync(HttpContext context, BasicCredentials credentials, Fault? fault, CancellationToken cancellationToken)
    {
        if (keys.Authenticate(credentials) is null)
        {
            context.Response.Headers.WWWAuthenticate = WwwAuthenticate;
            await Responses.WriteJsonAsync(
                context,
                401,
                w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("authenticated", false);
                    w.WriteString("error", InvalidKey);
                    w.WriteEndObject();
                },
                cancellationToken);
            return;
        }

        if (!limiter.TryAcquire(credentials.User!, out _, out int retryAfter))
        {
            await TooManyRequestsAsync(context, retryAfter, cancellationToken);
            return;
        }

        // A 200 from here on, so the slot stays taken. Cutting faults stop after the property name.
        var sink = new JsonSink(StartOk(context), cancellationToken);
        sink.Write("{"u8);
        WriteMetaBefore(sink, fault);
        sink.Write("\"authenticated\":"u8);
        if (fault is { CutsResponse: true })
        {
            await CutAsync(context, sink, fault, cancellationToken);
            return;
        }

        sink.Write("true"u8);
        WriteMetaAfter(sink, fault);
        sink.Write("}"u8);
        await sink.FlushAsync();
    }

    private async Task HandleDataAsync(HttpContext context, BasicCredentials credentials, Fault? fault, CancellationToken cancellationToken)
    {
        string? keyAccount = keys.Authenticate(credentials);
        if (keyAccount is null)
        {
            context.Response.Headers.WWWAuthenticate = WwwAuthenticate;
            string message = credentials.HeaderPresent
                ? InvalidKey
                : "Authentication required: send your API key and secret with Basic authentication";
            await Responses.WriteErrorAsync(context, 401, message, cancellationToken);
            return;
        }

        if (!limiter.TryAcquire(credentials.User!, out RateLease lease, out int retryAfter))
        {
            await TooManyRequestsAsync(context, retryAfter, cancellationToken);
            return;
        }

        bool successful = false;
        try
        {
            IQueryCollection query = context.Request.Query;
            if (Validate(query, out string account, out string method, out DateRange range) is string problem)
            {
                await Responses.WriteErrorAsync(context, 400, problem, cancellationToken);
                return;
            }

            if (!string.Equals(account, keyAccount, StringComparison.Ordinal))
            {
                await Responses.WriteErrorAsync(context, 403, $"This key does not have access to account '{account}'", cancellationToken);
                return;
            }

            if (catalog.Find(account, method) is not { } dataSet)
            {
                await Responses.WriteErrorAsync(context, 404, $"Unknown data method '{method}'", cancellationToken);
                return;
            }

            successful = true;
            await StreamRowsAsync(context, dataSet, range, fault, cancellationToken);
        }
        finally
        {
            // Only successful calls count against the limit: give the slot back otherwise.
            if (!successful)
            {
                limiter.Release(lease);
            }
        }
    }

    private static async Task StreamRowsAsync(HttpContext context, IDataSet dataSet, DateRange range, Fault? fault, CancellationToken cancellationToken)
    {
        var sink = new JsonSink(StartOk(context), cancellationToken);
        sink.Write("{"u8);
        WriteMetaBefore(sink, fault);
        sink.Write("\"output\":["u8);
        await dataSet.WriteRowsAsync(sink, range, fault is { CutsResponse: true } ? fault.AfterRows : long.MaxValue);
        if (fault is { CutsResponse: true })
        {
            await CutAsync(context, sink, fault, cancellationToken);
            return;
        }

        sink.Write("]"u8);
        WriteMetaAfter(sink, fault);
        sink.Write("}"u8);
        await sink.FlushAsync();
    }

    // Ends a response early, leaving its JSON unclosed: cleanly (truncate), by dropping the connection (reset),
    // or after going silent for a while (stall).
    private static async Task CutAsync(HttpContext context, JsonSink sink, Fault fault, CancellationToken cancellationToken)
    {
        await sink.FlushAsync();
        switch (fault.Kind)
        {
            case FaultKind.Truncate:
                return;
            case FaultKind.Stall:
                await Task.Delay(fault.Duration, cancellationToken);
                context.Abort();
                return;
            default:
                // Abort() drops whatever the transport has not sent yet; give the rows a moment to leave first,
                // so the client sees them and then a reset connection.
                await Task.Delay(ResetGrace, cancellationToken);
                context.Abort();
                return;
        }
    }

    private static void WriteMetaBefore(JsonSink sink, Fault? fault)
    {
        if (fault is { Kind: FaultKind.Meta, MetaAfter: false, MetaProperties: { Length: > 0 } properties })
        {
            sink.Write(properties);
            sink.Write(","u8);
        }
    }

    private static void WriteMetaAfter(JsonSink sink, Fault? fault)
    {
        if (fault is { Kind: FaultKind.Meta, MetaAfter: true, MetaProperties: { Length: > 0 } properties })
        {
            sink.Write(","u8);
            sink.Write(properties);
        }
    }

    private static PipeWriter StartOk(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = Responses.JsonContentType;
        return context.Response.BodyWriter;
    }

    private static Task TooManyRequestsAsync(HttpContext context, int retryAfterSeconds, CancellationToken cancellationToken)
    {
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Responses.WriteErrorAsync(context, 429, "Rate limit exceeded", cancellationToken);
    }

    /// <summary>Returns the problem with the query (for a 400), or null when it is usable.</summary>
    private static string? Validate(IQueryCollection query, out string account, out string method, out DateRange range)
    {
        account = Single(query, "account") ?? string.Empty;
        method = Single(query, "data_method") ?? string.Empty;
        range = default;
        if (account.Length == 0)
        {
            return "Missing required parameter 'account'";
        }

        if (method.Length == 0)
        {
            return "Missing required parameter 'data_method'";
        }

        if (!TryParseDate(query, "from_date", out long? from, out string? problem)
            || !TryParseDate(query, "to_date", out long? to, out problem))
        {
            return problem;
        }

        range = DateRange.FromQuery(from, to);
        return null;
    }

    private static string? Single(IQueryCollection query, string name)
        => query.TryGetValue(name, out StringValues values) ? values[^1] : null;

    // ms since the Unix epoch: digits only (no sign, spaces or decimals), as the vendor's examples.
    private static bool TryParseDate(IQueryCollection query, string name, out long? value, out string? problem)
    {
        value = null;
        problem = null;
        if (!query.TryGetValue(name, out StringValues values))
        {
            return true;
        }

        string text = values[^1] ?? string.Empty;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
        {
            value = parsed;
            return true;
        }

        problem = $"Parameter '{name}' must be a non-negative integer (milliseconds since the Unix epoch), got '{text}'";
        return false;
    }
}
