using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Threading;
using MeetEngage.Json;
using MeetEngage.Throttling;

namespace MeetEngage.Api;

/// <summary>What the client tells its caller while it works; called on the caller's thread.</summary>
internal interface IClientObserver : IOutputObserver
{
    void Verbose(string message);

    void Debug(string message);

    /// <summary>The client is about to wait (throttling or backoff) for this long.</summary>
    void Waiting(TimeSpan delay, string reason);

    /// <summary>A body is being read: rows and bytes so far (called every few thousand rows).</summary>
    void Reading(long rows, long bytes);
}

/// <summary>Running totals of one client, shown on the session.</summary>
internal sealed class RequestCounters
{
    private long _requests;
    private long _throttleWaits;
    private long _retries;

    public long Requests => Interlocked.Read(ref _requests);

    public long ThrottleWaits => Interlocked.Read(ref _throttleWaits);

    public long Retries => Interlocked.Read(ref _retries);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public void CountThrottleWait() => Interlocked.Increment(ref _throttleWaits);

    public void CountRetry() => Interlocked.Increment(ref _retries);
}

/// <summary>The outcome of a call to the API root.</summary>
internal sealed class AccessCheck
{
    public AccessCheck(bool authenticated, int statusCode, TimeSpan latency, string? message)
    {
        Authenticated = authenticated;
        StatusCode = statusCode;
        Latency = latency;
        Message = message;
    }

    public bool Authenticated { get; }

    public int StatusCode { get; }

    public TimeSpan Latency { get; }

    public string? Message { get; }
}

/// <summary>
/// Talks to the API for one key pair: builds requests, waits for the key's rate limiter, sends,
/// retries what may be retried, maps failures to <see cref="MeetEngageException"/>s and hands
/// bodies to the streaming reader. It runs on the caller's thread (blocking on each awaited step)
/// so that the observer can write to PowerShell's streams.
/// </summary>
internal sealed class MeetEngageClient : IDisposable
{
    private const int MaxRedirects = 5;

    /// <summary>Rows between progress reports, less one (a mask: reports every 2048 rows).</summary>
    private const long ProgressRowInterval = 2047;
    private const int MaxErrorBodyBytes = 8 * 1024;

    private static readonly string UserAgent = "MeetEngage/" + (typeof(MeetEngageClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0");

    private readonly HttpClient _http;
    private readonly RateLimiter _limiter;
    private readonly RetryPolicy _retryPolicy;
    private readonly IClock _clock;

    public MeetEngageClient(ClientOptions options, RateLimiter? limiter = null, RetryPolicy? retryPolicy = null, IClock? clock = null, HttpMessageHandler? handler = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        _limiter = limiter ?? KeyRateLimiters.For(options.ApiKey);
        _retryPolicy = retryPolicy ?? new RetryPolicy(options.MaximumRetryCount);
        _clock = clock ?? SystemClock.Instance;
        _http = new HttpClient(handler ?? CreateHandler(options), disposeHandler: true)
        {
            // Timeouts are ours: connecting and each silence while reading, not a whole download.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    public ClientOptions Options { get; }

    public RequestCounters Counters { get; } = new();

    /// <summary>GETs the API root: authenticated or not (401/403), or an exception for anything else.</summary>
    public AccessCheck TestAccess(IClientObserver observer, CancellationToken cancellationToken)
    {
        var uri = ApiAddress.Root(Options.BaseUri);
        var retries = 0;
        using var response = Send(uri, observer, acceptRejection: true, ref retries, out var latency, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is 401 or 403)
        {
            return new AccessCheck(false, status, latency, ReadApiMessage(response, cancellationToken));
        }

        var body = ReadSmallBody(response, cancellationToken);
        bool? authenticated = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("authenticated", out var value) &&
                value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                authenticated = value.GetBoolean();
            }
        }
        catch (JsonException)
        {
        }

        if (authenticated is null)
        {
            throw new MeetEngageException(
                FailureKind.InvalidData,
                "InvalidResponse",
                "GET " + ApiAddress.ForMessage(uri) + " answered " + Describe(response) + " without the expected {\"authenticated\": true}; is the base URI the API root? It began: " + Excerpts.Printable(new ArraySegment<byte>(body), 160))
            {
                StatusCode = status,
                RequestUri = uri,
            };
        }

        return new AccessCheck(authenticated.Value, status, latency, null);
    }

    /// <summary>
    /// Streams the rows of one organisation_data request. A failure before the first row is
    /// retried as the policy allows; after it, never (the rows would be written twice).
    /// </summary>
    public IEnumerable<TObject> ReadOrganisationData<TObject>(DataQuery query, IRowBuilder<TObject> builder, IClientObserver observer, CancellationToken cancellationToken)
        where TObject : class
    {
        var uri = ApiAddress.OrganisationData(Options.BaseUri, query.Account, query.DataMethod, query.FromMilliseconds, query.ToMilliseconds);
        var retries = 0;
        while (true)
        {
            var response = Send(uri, observer, acceptRejection: false, ref retries, out _, cancellationToken);
            CheckContentType(response, uri);
            var body = new TimeoutReadStream(response.Content.ReadAsStreamAsync().ConfigureAwait(false).GetAwaiter().GetResult(), response, Options.Timeout, cancellationToken);
            var reader = new OutputReader<TObject>(body, builder, observer);
            var retry = false;
            try
            {
                while (true)
                {
                    TObject? row = null;
                    MeetEngageException? failure = null;
                    try
                    {
                        if (!reader.TryReadRow(out row))
                        {
                            observer.Verbose(string.Format(CultureInfo.InvariantCulture, "GET {0}: {1} rows, {2:N0} bytes.", ApiAddress.ForMessage(uri), reader.RowsRead, reader.BytesRead));
                            yield break;
                        }
                    }
                    catch (MeetEngageException e) when (e.Kind is FailureKind.Truncated or FailureKind.Connection or FailureKind.Timeout)
                    {
                        failure = e;
                    }
                    catch (MeetEngageException e)
                    {
                        throw WithRequest(e, uri, (int)response.StatusCode, reader.RowsRead);
                    }

                    if (failure is not null)
                    {
                        var decision = _retryPolicy.Decide(retries, FailureClass.Transient, null, reader.RowsRead);
                        if (!decision.ShouldRetry)
                        {
                            throw WithRequest(failure, uri, (int)response.StatusCode, reader.RowsRead);
                        }

                        Backoff(decision, failure.Message, observer, cancellationToken);
                        retries++;
                        retry = true;
                        break;
                    }

                    if ((reader.RowsRead & ProgressRowInterval) == 0)
                    {
                        observer.Reading(reader.RowsRead, reader.BytesRead);
                    }

                    yield return row!;
                }
            }
            finally
            {
                reader.Dispose();
                body.Dispose();
                response.Dispose();
            }

            if (!retry)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// The least time before the last of <paramref name="requests"/> more requests may start,
    /// as the key's limiter stands now: what a time-left estimate must not undercut.
    /// </summary>
    public TimeSpan MinimumTimeFor(int requests) => _limiter.DelayUntil(requests);

    /// <summary>The key's rate limit: calls allowed in any rolling window.</summary>
    public (int Limit, TimeSpan Window) RateLimit => (_limiter.Limit, _limiter.Window);

    public void Dispose() => _http.Dispose();

    private static HttpClientHandler CreateHandler(ClientOptions options)
    {
        var handler = new HttpClientHandler
        {
            // Redirects are followed by Send, same origin only, so the header never leaks.
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            SslProtocols = MinimumTls(),
        };

        if (options.Proxy is not null)
        {
            handler.UseProxy = true;
            handler.Proxy = new WebProxy(options.Proxy)
            {
                UseDefaultCredentials = options.ProxyUseDefaultCredentials,
                Credentials = options.ProxyCredential,
            };
        }
        else if (options.ProxyCredential is not null)
        {
            // No -Proxy: the system or environment proxy applies, with these credentials.
            handler.DefaultProxyCredentials = options.ProxyCredential;
        }
        else if (options.ProxyUseDefaultCredentials)
        {
            handler.DefaultProxyCredentials = CredentialCache.DefaultCredentials;
        }

        return handler;
    }

    /// <summary>
    /// TLS 1.2 or later on our own handler, whatever the machine's defaults (Windows PowerShell
    /// 5.1 may still offer TLS 1.0). .NET Framework's handler knows no TLS 1.3 value.
    /// </summary>
#pragma warning disable CA5397 // Deliberate: an explicit floor, never the machine's possibly older default.
    private static SslProtocols MinimumTls()
    {
        const SslProtocols tls13 = (SslProtocols)12288;
        return RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal)
            ? SslProtocols.Tls12
            : SslProtocols.Tls12 | tls13;
    }
#pragma warning restore CA5397

    /// <summary>
    /// Sends a GET with retries. Returns a success response (or, with acceptRejection, a 401/403)
    /// with its body unread; throws a mapped exception for anything else.
    /// </summary>
    private HttpResponseMessage Send(Uri uri, IClientObserver observer, bool acceptRejection, ref int retries, out TimeSpan latency, CancellationToken cancellationToken)
    {
        while (true)
        {
            HttpResponseMessage? response = null;
            Exception? networkFailure = null;
            var started = Stopwatch.StartNew();
            try
            {
                response = SendFollowingRedirects(uri, observer, cancellationToken);
            }
            catch (MeetEngageException e) when (e.Kind is FailureKind.Connection or FailureKind.Timeout && !e.Repeats)
            {
                networkFailure = e;
            }

            latency = started.Elapsed;
            if (response is not null)
            {
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode || (acceptRejection && status is 401 or 403))
                {
                    return response;
                }

                var failureClass = RetryPolicy.Classify(response.StatusCode);
                var retryAfter = RetryAfterOf(response);
                var decision = _retryPolicy.Decide(retries, failureClass, retryAfter, 0);
                if (!decision.ShouldRetry)
                {
                    using (response)
                    {
                        throw FailureFor(response, uri, failureClass == FailureClass.Permanent ? null : decision.Reason, retries, cancellationToken);
                    }
                }

                response.Dispose();
                if (failureClass == FailureClass.Throttled)
                {
                    Counters.CountThrottleWait();
                }

                Backoff(decision, ApiAddress.ForMessage(uri) + " answered " + status.ToString(CultureInfo.InvariantCulture), observer, cancellationToken);
            }
            else
            {
                var decision = _retryPolicy.Decide(retries, FailureClass.Transient, null, 0);
                if (!decision.ShouldRetry)
                {
                    throw networkFailure!;
                }

                Backoff(decision, networkFailure!.Message, observer, cancellationToken);
            }

            retries++;
        }
    }

    private void Backoff(RetryDecision decision, string what, IClientObserver observer, CancellationToken cancellationToken)
    {
        Counters.CountRetry();
        observer.Verbose(string.Format(CultureInfo.InvariantCulture, "{0}; retrying in {1:0.0} s: {2}.", what.TrimEnd('.'), decision.Delay.TotalSeconds, decision.Reason));
        observer.Waiting(decision.Delay, decision.Reason);
        _clock.Delay(decision.Delay, cancellationToken).ConfigureAwait(false).GetAwaiter().GetResult();
    }

    private HttpResponseMessage SendFollowingRedirects(Uri uri, IClientObserver observer, CancellationToken cancellationToken)
    {
        var target = uri;
        for (var hop = 0; ; hop++)
        {
            var response = SendOnce(target, observer, cancellationToken);
            var status = (int)response.StatusCode;
            if (status is not (301 or 302 or 303 or 307 or 308))
            {
                return response;
            }

            var location = response.Headers.Location;
            response.Dispose();
            var next = location is null ? null : location.IsAbsoluteUri ? location : new Uri(target, location);
            if (next is null || !SameOrigin(target, next))
            {
                throw new MeetEngageException(
                    FailureKind.Security,
                    "RedirectRefused",
                    "GET " + ApiAddress.ForMessage(target) + " redirected to " + (next is null ? "nowhere" : ApiAddress.Redact(new Uri(next.GetLeftPart(UriPartial.Path)))) + ". The module follows redirects only within the same https origin so that the API credentials never go elsewhere; check -BaseUri.")
                {
                    StatusCode = status,
                    RequestUri = target,
                };
            }

            if (hop + 1 >= MaxRedirects)
            {
                throw new MeetEngageException(FailureKind.Connection, "TooManyRedirects", "GET " + ApiAddress.ForMessage(uri) + " redirected more than " + MaxRedirects.ToString(CultureInfo.InvariantCulture) + " times.")
                {
                    StatusCode = status,
                    RequestUri = uri,
                    Repeats = true,
                };
            }

            observer.Verbose("Following a redirect to " + ApiAddress.ForMessage(next) + ".");
            target = next;
        }
    }

    private static bool SameOrigin(Uri from, Uri to) =>
        string.Equals(from.Scheme, to.Scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(from.IdnHost, to.IdnHost, StringComparison.OrdinalIgnoreCase) &&
        from.Port == to.Port;

    private HttpResponseMessage SendOnce(Uri uri, IClientObserver observer, CancellationToken cancellationToken)
    {
        var waited = _limiter.NextDelay;
        if (waited > TimeSpan.Zero)
        {
            Counters.CountThrottleWait();
            observer.Verbose(string.Format(CultureInfo.InvariantCulture, "Waiting {0:0.00} s for the API key's rate limit ({1} calls per {2:0} s).", waited.TotalSeconds, _limiter.Limit, _limiter.Window.TotalSeconds));
            observer.Waiting(waited, "rate limit");
        }

        _limiter.WaitAsync(cancellationToken).ConfigureAwait(false).GetAwaiter().GetResult();

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = BasicAuthentication.Create(Options.ApiKey, Options.Secret);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        Counters.CountRequest();
        observer.Debug("GET " + ApiAddress.ForMessage(uri) + Environment.NewLine + BasicAuthentication.RedactedHeader);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        var started = Stopwatch.StartNew();
        try
        {
            var response = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false).GetAwaiter().GetResult();
            observer.Debug(string.Format(CultureInfo.InvariantCulture, "GET {0}: {1} in {2:0} ms, {3}", ApiAddress.ForMessage(uri), Describe(response), started.Elapsed.TotalMilliseconds, response.Content.Headers.ContentType?.ToString() ?? "no content type"));
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MeetEngageException(FailureKind.Timeout, "Timeout", "GET " + ApiAddress.ForMessage(uri) + ThroughProxy + " did not answer within " + Options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s (-TimeoutSec).", e)
            {
                RequestUri = uri,
            };
        }
        catch (HttpRequestException e)
        {
            throw new MeetEngageException(FailureKind.Connection, "ConnectionFailed", "GET " + ApiAddress.ForMessage(uri) + ThroughProxy + " failed: " + Flatten(e), e)
            {
                RequestUri = uri,
            };
        }
    }

    /// <summary>Names -Proxy in network failures: "Connection refused" alone would send the user to the API.</summary>
    private string ThroughProxy => Options.Proxy is { } proxy ? " through the proxy " + ApiAddress.Redact(proxy) : string.Empty;

    private TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - _clock.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return RetryAfter.Parse(header.ToString(), _clock.UtcNow);
    }

    private static void CheckContentType(HttpResponseMessage response, Uri uri)
    {
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            using (response)
            {
                throw new MeetEngageException(FailureKind.InvalidData, "InvalidResponse", "GET " + ApiAddress.ForMessage(uri) + " answered " + Describe(response) + " with an HTML page instead of JSON; is the base URI the API root (a proxy or sign-in page may have answered)? It began: " + Excerpts.Printable(new ArraySegment<byte>(ReadSmallBody(response, CancellationToken.None)), 160))
                {
                    StatusCode = (int)response.StatusCode,
                    RequestUri = uri,
                };
            }
        }
    }

    private MeetEngageException FailureFor(HttpResponseMessage response, Uri uri, string? gaveUpBecause, int retries, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var apiMessage = ReadApiMessage(response, cancellationToken);
        var (kind, id, advice) = status switch
        {
            400 => (FailureKind.InvalidArgument, "BadRequest", "The API refused the request's parameters."),
            401 => (FailureKind.Authentication, "AuthenticationFailed", "The key pair was not accepted: check the key (user name) and secret (password) of -Credential, and that the key has not been revoked."),
            403 => (FailureKind.PermissionDenied, "AccessDenied", "The key pair is valid but may not read this: check -Account (keys belong to one Meet & Engage account)."),
            404 when uri == Options.BaseUri => (FailureKind.NotFound, "NotFound", "Nothing answers at this address: -BaseUri must be the API root, such as " + ApiAddress.DefaultBaseUri + " (with its /api/1.0/rest path)."),
            404 => (FailureKind.NotFound, "NotFound", "No such resource or data method: check -DataMethod (custom methods come from your account manager) and -BaseUri."),
            429 => (FailureKind.LimitsExceeded, "RateLimited", "The API's rate limit for this key was exceeded; another process may be using the same key."),
            _ when status >= 500 || status == 408 => (FailureKind.Connection, "ServerError", "The API had a problem; try again later."),
            _ => (FailureKind.InvalidData, "UnexpectedStatus", "The API answered in a way the module does not expect."),
        };

        var message = new StringBuilder();
        message.Append("GET ").Append(ApiAddress.ForMessage(uri)).Append(" failed: ").Append(Describe(response)).Append('.');
        if (!string.IsNullOrEmpty(apiMessage))
        {
            message.Append(" The API said: ").Append(apiMessage).Append('.');
        }

        message.Append(' ').Append(advice);
        if (gaveUpBecause is not null)
        {
            // This request's retries: the session's total (Counters) belongs to the session.
            message.Append(retries == 0 ? " Not retried: " : " Gave up after " + retries.ToString(CultureInfo.InvariantCulture) + (retries == 1 ? " retry: " : " retries: "))
                .Append(gaveUpBecause).Append('.');
        }

        return new MeetEngageException(kind, id, message.ToString())
        {
            StatusCode = status,
            RequestUri = uri,
        };
    }

    /// <summary>The API's own message from an error body ("error" or "message"), bounded and printable.</summary>
    private static string? ReadApiMessage(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = ReadSmallBody(response, cancellationToken);
        }
        catch (MeetEngageException)
        {
            return null;
        }

        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "error", "message", "errors" })
                {
                    if (document.RootElement.TryGetProperty(name, out var value))
                    {
                        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                        return Excerpts.Printable(new ArraySegment<byte>(Encoding.UTF8.GetBytes(text ?? string.Empty)), 300, quoted: false);
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType ?? string.Empty;
        return mediaType.IndexOf("html", StringComparison.OrdinalIgnoreCase) >= 0
            ? "(an HTML page)"
            : Excerpts.Printable(new ArraySegment<byte>(body), 160);
    }

    /// <summary>Reads at most a few KB of a body, within the timeout.</summary>
    private static byte[] ReadSmallBody(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var stream = response.Content.ReadAsStreamAsync().ConfigureAwait(false).GetAwaiter().GetResult();
        using var bounded = new TimeoutReadStream(stream, response, TimeSpan.FromSeconds(10), cancellationToken);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = bounded.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        Array.Resize(ref buffer, total);
        return buffer;
    }

    private static string Describe(HttpResponseMessage response) =>
        ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture) + " " + response.ReasonPhrase;

    private static string Flatten(Exception e)
    {
        var parts = new List<string>();
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (!parts.Contains(current.Message))
            {
                parts.Add(current.Message);
            }
        }

        return string.Join(" ", parts);
    }

    private static MeetEngageException WithRequest(MeetEngageException e, Uri uri, int status, long rows)
    {
        var what = e.Kind == FailureKind.InvalidData ? e.Message : e.Message + string.Format(CultureInfo.InvariantCulture, " {0} rows had been written; the data is incomplete.", rows);
        return new MeetEngageException(e.Kind, e.ErrorId, "GET " + ApiAddress.ForMessage(uri) + ": " + what, e)
        {
            StatusCode = status,
            RequestUri = uri,
            RowsWritten = rows,
        };
    }
}

/// <summary>One organisation_data request's parameters, dates already in API milliseconds.</summary>
internal readonly struct DataQuery
{
    public DataQuery(string account, string dataMethod, long fromMilliseconds, long toMilliseconds)
    {
        Account = account;
        DataMethod = dataMethod;
        FromMilliseconds = fromMilliseconds;
        ToMilliseconds = toMilliseconds;
    }

    public string Account { get; }

    public string DataMethod { get; }

    public long FromMilliseconds { get; }

    public long ToMilliseconds { get; }
}
