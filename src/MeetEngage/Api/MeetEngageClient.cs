using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using MeetEngage.Json;
using MeetEngage.Throttling;

namespace MeetEngage.Api;

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

    private static readonly string UserAgent = "MeetEngage/" + (typeof(MeetEngageClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0");

    private readonly HttpClient _http;
    private readonly RateLimiter _limiter;
    private readonly MachineBudget? _machineBudget;
    private readonly RetryPolicy _retryPolicy;
    private readonly IClock _clock;

    public MeetEngageClient(ClientOptions options, RateLimiter? limiter = null, RetryPolicy? retryPolicy = null, IClock? clock = null, HttpMessageHandler? handler = null, MachineBudget? machineBudget = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        // The key's budget at this server: one limiter in the process, one ledger on the machine.
        // A limiter handed in (tests) comes without the ledger unless one is handed in too.
        var budgetName = ApiKeyBudget.Name(options.BaseUri, options.ApiKey);
        _limiter = limiter ?? KeyRateLimiters.For(budgetName);
        _machineBudget = machineBudget ?? (limiter is null ? MachineBudgets.For(budgetName) : null);
        _retryPolicy = retryPolicy ?? new RetryPolicy(options.MaximumRetryCount);
        _clock = clock ?? SystemClock.Instance;
        _http = new HttpClient(handler ?? HttpHandlerFactory.Create(options), disposeHandler: true)
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
            return new AccessCheck(false, status, latency, ResponseErrors.ReadApiMessage(response, Options.Timeout, cancellationToken));
        }

        var body = ResponseErrors.ReadSmallBody(response, Options.Timeout, cancellationToken);
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
                ErrorKind.InvalidData,
                "InvalidResponse",
                "GET " + ApiAddress.ForMessage(uri) + " answered " + ResponseErrors.Describe(response) + " without the expected {\"authenticated\": true}; is the base URI the API root? It began: " + ResponseErrors.Excerpt(body))
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
            ResponseErrors.RefuseHtml(response, uri, Options.Timeout);
            var body = new TimeoutReadStream(response.Content.ReadAsStreamAsync().ConfigureAwait(false).GetAwaiter().GetResult(), response, Options.Timeout, cancellationToken);
            var reader = new OutputReader<TObject>(body, builder, observer, redact: CredentialRedaction.Redact);
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
                    catch (MeetEngageException e) when (e.Kind is ErrorKind.Truncated or ErrorKind.Connection or ErrorKind.Timeout)
                    {
                        failure = e;
                    }
                    catch (MeetEngageException e)
                    {
                        throw WithRequest(e, uri, (int)response.StatusCode, reader.RowsRead);
                    }

                    if (failure is not null)
                    {
                        var decision = _retryPolicy.Decide(retries, RetryClass.Transient, null, reader.RowsRead);
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

    /// <summary>Names -Proxy in network failures: "Connection refused" alone would send the user to the API.</summary>
    private string ThroughProxy => Options.Proxy is { } proxy ? " through the proxy " + ApiAddress.Redact(proxy) : string.Empty;

    public void Dispose() => _http.Dispose();

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
            catch (MeetEngageException e) when (e.Kind is ErrorKind.Connection or ErrorKind.Timeout && !e.Repeats)
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

                var retryClass = StatusRetryClass.Of(response.StatusCode);
                var retryAfter = RetryAfterHeader.Of(response, _clock.UtcNow);
                var decision = _retryPolicy.Decide(retries, retryClass, retryAfter, 0);
                if (!decision.ShouldRetry)
                {
                    using (response)
                    {
                        throw ResponseErrors.For(response, uri, retries, retryClass == RetryClass.Permanent ? null : decision.Reason, uri == Options.BaseUri, Options.Timeout, cancellationToken);
                    }
                }

                response.Dispose();
                if (retryClass == RetryClass.Throttled)
                {
                    Counters.CountThrottleWait();
                }

                Backoff(decision, ApiAddress.ForMessage(uri) + " answered " + status.ToString(CultureInfo.InvariantCulture), observer, cancellationToken);
            }
            else
            {
                var decision = _retryPolicy.Decide(retries, RetryClass.Transient, null, 0);
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
                    ErrorKind.Security,
                    "RedirectRefused",
                    "GET " + ApiAddress.ForMessage(target) + " redirected to " + (next is null ? "nowhere" : ApiAddress.Redact(new Uri(next.GetLeftPart(UriPartial.Path)))) + ". The module follows redirects only within the same https origin so that the API credentials never go elsewhere; check -BaseUri.")
                {
                    StatusCode = status,
                    RequestUri = target,
                };
            }

            if (hop + 1 >= MaxRedirects)
            {
                throw new MeetEngageException(ErrorKind.Connection, "TooManyRedirects", "GET " + ApiAddress.ForMessage(uri) + " redirected more than " + MaxRedirects.ToString(CultureInfo.InvariantCulture) + " times.")
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
        var machineWait = OtherProcessWait.Wait(_machineBudget, observer, Counters, _clock, countedWait: waited > TimeSpan.Zero, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = BasicAuthentication.Create(Options.ApiKey, Options.Secret);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.ParseAdd(UserAgent);
        Counters.CountRequest();
        observer.Debug("GET " + ApiAddress.ForMessage(uri) + Environment.NewLine + CredentialRedaction.RedactedHeader);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Timeout);
        var started = Stopwatch.StartNew();
        try
        {
            var response = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false).GetAwaiter().GetResult();
            // Headers back: the server has counted the request by now.
            _machineBudget?.Sent(machineWait, _clock);
            observer.Debug(string.Format(CultureInfo.InvariantCulture, "GET {0}: {1} in {2:0} ms, {3}", ApiAddress.ForMessage(uri), ResponseErrors.Describe(response), started.Elapsed.TotalMilliseconds, response.Content.Headers.ContentType?.ToString() ?? "no content type"));
            return response;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MeetEngageException(ErrorKind.Timeout, "Timeout", "GET " + ApiAddress.ForMessage(uri) + ThroughProxy + " did not answer within " + Options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s (-TimeoutSec).", e)
            {
                RequestUri = uri,
            };
        }
        catch (HttpRequestException e)
        {
            throw new MeetEngageException(ErrorKind.Connection, "ConnectionFailed", "GET " + ApiAddress.ForMessage(uri) + ThroughProxy + " failed: " + Flatten(e), e)
            {
                RequestUri = uri,
            };
        }
    }

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
        var what = e.Kind == ErrorKind.InvalidData ? e.Message : e.Message + string.Format(CultureInfo.InvariantCulture, " {0} rows had been written; the data is incomplete.", rows);
        return new MeetEngageException(e.Kind, e.ErrorId, "GET " + ApiAddress.ForMessage(uri) + ": " + what, e)
        {
            StatusCode = status,
            RequestUri = uri,
            RowsWritten = rows,
        };
    }
}
