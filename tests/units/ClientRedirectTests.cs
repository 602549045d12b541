using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using MeetEngage.Api;
using MeetEngage.Throttling;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>
/// Where the Authorization header may go when the API redirects. The simulator speaks plain
/// http only, so the https cases are proved here with a handler that plays the server.
/// </summary>
public class ClientRedirectTests
{
    private static readonly Uri BaseUri = new("https://api.example.test/api/1.0/rest");

    [Theory]
    [InlineData("http://api.example.test/api/1.0/rest", "down to plain http")]
    [InlineData("https://evil.example.test/api/1.0/rest", "another host")]
    [InlineData("https://api.example.test:8443/api/1.0/rest", "another port")]
    [InlineData("https://api.example.test.evil.test/api/1.0/rest", "a host that only starts the same")]
    [InlineData("https://user:pa55word@evil.example.test/x?token=abc", "another host, with user info and a query")]
    public void A_redirect_that_leaves_the_origin_is_refused_before_anything_is_sent_there(string location, string what)
    {
        var handler = new RedirectingHandler(new Uri(location));
        using var client = NewClient(handler);

        var error = Assert.Throws<MeetEngageException>(() => client.TestAccess(new SilentObserver(), CancellationToken.None));

        Assert.Equal(ErrorKind.Security, error.Kind);
        Assert.Equal("RedirectRefused", error.ErrorId);
        Assert.True(handler.Requests.Count == 1, what + ": " + string.Join(", ", handler.Requests.Select(r => r.Uri)));
        Assert.True(handler.Requests[0].HadAuthorization);
        Assert.DoesNotContain("pa55word", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("token=abc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redirect_within_the_origin_is_followed_with_the_header()
    {
        var handler = new RedirectingHandler(new Uri("https://api.example.test/api/1.0/rest/"));
        using var client = NewClient(handler);

        var check = client.TestAccess(new SilentObserver(), CancellationToken.None);

        Assert.True(check.Authenticated);
        Assert.Equal(new[] { "https://api.example.test/api/1.0/rest", "https://api.example.test/api/1.0/rest/" }, handler.Requests.Select(r => r.Uri.AbsoluteUri));
        Assert.All(handler.Requests, r => Assert.True(r.HadAuthorization));
    }

    private static MeetEngageClient NewClient(HttpMessageHandler handler)
    {
        using var secret = new SecureString();
        foreach (var c in "Sup3r-s3cret")
        {
            secret.AppendChar(c);
        }

        var options = new ClientOptions(BaseUri, "redirect-test-key", secret) { MaximumRetryCount = 0 };
        var limiter = new RateLimiter(1000, TimeSpan.FromSeconds(1), TimeSpan.Zero, SystemClock.Instance);
        return new MeetEngageClient(options, limiter, handler: handler);
    }

    /// <summary>Redirects the first request to a location; answers any other as the API root does.</summary>
    private sealed class RedirectingHandler : HttpMessageHandler
    {
        private readonly Uri _location;

        public RedirectingHandler(Uri location)
        {
            _location = location;
        }

        public List<(Uri Uri, bool HadAuthorization)> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add((request.RequestUri!, request.Headers.Authorization is not null));
            if (Requests.Count == 1)
            {
                var redirect = new HttpResponseMessage(HttpStatusCode.Found) { Content = new ByteArrayContent(Array.Empty<byte>()) };
                redirect.Headers.Location = _location;
                return Task.FromResult(redirect);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"authenticated\":true}", Encoding.UTF8, "application/json") });
        }
    }

    private sealed class SilentObserver : IClientObserver
    {
        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Waiting(TimeSpan delay, string reason)
        {
        }

        public void Reading(long rows, long bytes)
        {
        }

        public void OnMetadata(string name, object? value)
        {
        }

        public void OnAnomaly(string message)
        {
        }
    }
}
