using System;
using System.Text;
using MeetEngage.Api;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

public class ExcerptsTests
{
    private static readonly string Header = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("demo-key:Sup3r-s3cret"));

    [Theory]
    [InlineData("Authorization: {0}")]
    [InlineData("{{\"headers\":{{\"Authorization\":\"{0}\",\"Accept\":\"application/json\"}}}}")]
    [InlineData("<pre>authorization: {0}\r\nuser-agent: MeetEngage/0.1.0</pre>")]
    [InlineData("{0}")]
    public void An_echoed_Authorization_header_is_redacted(string format)
    {
        var body = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Header);

        var excerpt = Excerpts.Printable(new ArraySegment<byte>(Encoding.UTF8.GetBytes(body)), 160, CredentialRedaction.Redact);

        Assert.DoesNotContain(Header.Substring(6), excerpt, StringComparison.Ordinal);
        Assert.Contains("Basic ***", excerpt, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_escaped_as_JSON_is_redacted_whole()
    {
        // Base64 may hold '/', which JSON writers may escape as '\/'.
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes("k:?>?>?>~~~"));
        Assert.Contains('/', token);
        var body = "{\"Authorization\":\"Basic " + token.Replace("/", "\\/", StringComparison.Ordinal) + "\"}";

        var excerpt = Excerpts.Printable(new ArraySegment<byte>(Encoding.UTF8.GetBytes(body)), 160, CredentialRedaction.Redact);

        Assert.Equal("'{\"Authorization\":\"Basic ***\"}'", excerpt);
    }

    [Fact]
    public void A_header_cut_off_by_the_excerpts_window_leaves_no_part_behind()
    {
        var body = new string('.', 150) + Header;

        var excerpt = Excerpts.Printable(new ArraySegment<byte>(Encoding.UTF8.GetBytes(body)), 40, CredentialRedaction.Redact);

        Assert.DoesNotContain("ZGVt", excerpt, StringComparison.Ordinal);
        var window = CredentialRedaction.Redact(body.Substring(0, 160));
        Assert.EndsWith("Basic ***", window, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("401 Basic authentication required")]
    [InlineData("Choose Basic or Advanced settings")]
    public void Prose_that_mentions_Basic_stays(string text)
    {
        Assert.Equal(text, CredentialRedaction.Redact(text));
    }

    [Fact]
    public void Excerpts_are_bounded_and_single_line()
    {
        var excerpt = Excerpts.Printable(new ArraySegment<byte>(Encoding.UTF8.GetBytes("line one\r\nline\ttwo\u0000" + new string('x', 10_000))), 160, CredentialRedaction.Redact);

        Assert.True(excerpt.Length <= 160 + 3, excerpt);
        Assert.DoesNotContain(excerpt, char.IsControl);
        Assert.EndsWith("…'", excerpt, StringComparison.Ordinal);
    }
}
