using System;
using MeetEngage.Api;
using Xunit;

namespace MeetEngage.Tests;

public class ApiAddressTests
{
    [Theory]
    [InlineData("standard", "standard")]
    [InlineData("a&b=c", "a%26b%3Dc")]
    [InlineData("x #y/z", "x%20%23y%2Fz")]
    [InlineData("café", "caf%C3%A9")]
    [InlineData("a+b?%", "a%2Bb%3F%25")]
    [InlineData("Under_score-dash.dot~", "Under_score-dash.dot~")]
    public void Encode_percent_encodes_everything_outside_the_unreserved_set(string value, string expected)
    {
        Assert.Equal(expected, ApiAddress.Encode(value));
    }

    [Fact]
    public void OrganisationData_builds_the_documented_query()
    {
        var uri = ApiAddress.OrganisationData(new Uri("https://meetandengage.com/api/1.0/rest"), "Acme & Co", "custom/method", 0, 1518340113180);

        Assert.Equal("https://meetandengage.com/api/1.0/rest/organisation_data?account=Acme%20%26%20Co&data_method=custom%2Fmethod&from_date=0&to_date=1518340113180", uri.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://meetandengage.com/api/1.0/rest/", "https://meetandengage.com/api/1.0/rest")]
    [InlineData("https://example.test/base", "https://example.test/base")]
    [InlineData("http://127.0.0.1:5000/api/1.0/rest", "http://127.0.0.1:5000/api/1.0/rest")]
    [InlineData("http://localhost:5000/api/1.0/rest", "http://localhost:5000/api/1.0/rest")]
    [InlineData("http://[::1]:5000/x", "http://[::1]:5000/x")]
    public void NormalizeBaseUri_accepts_https_and_loopback_http(string given, string expected)
    {
        Assert.Equal(expected, ApiAddress.NormalizeBaseUri(new Uri(given)).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://meetandengage.com/api/1.0/rest", "plain http")]
    [InlineData("ftp://example.test/x", "only https")]
    [InlineData("https://key:Sup3rS3cretValue@example.test/x", "user name or password")]
    [InlineData("https://example.test/x?account=a", "query")]
    [InlineData("https://example.test/x#frag", "fragment")]
    public void NormalizeBaseUri_refuses_what_could_leak_or_misroute(string given, string reason)
    {
        var error = Assert.Throws<MeetEngageException>(() => ApiAddress.NormalizeBaseUri(new Uri(given)));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rS3cretValue", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NormalizeBaseUri_refuses_a_relative_uri()
    {
        var error = Assert.Throws<MeetEngageException>(() => ApiAddress.NormalizeBaseUri(new Uri("api/1.0/rest", UriKind.Relative)));

        Assert.Contains("absolute", error.Message, StringComparison.Ordinal);
    }
}
