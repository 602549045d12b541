using System.Text;
using System.Text.Json;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

/// <summary>Each case of the number rule the help's value table states.</summary>
public class JsonNumberTests
{
    [Theory]
    [InlineData("7", typeof(int), "7")]
    [InlineData("-0", typeof(int), "0")]
    [InlineData("2147483648", typeof(long), "2147483648")]
    [InlineData("9223372036854775807", typeof(long), "9223372036854775807")]
    [InlineData("9223372036854775808", typeof(decimal), "9223372036854775808")]
    [InlineData("79228162514264337593543950335", typeof(decimal), "79228162514264337593543950335")]
    [InlineData("79228162514264337593543950336", typeof(double), "7.922816251426434E+28")]
    [InlineData("1.0", typeof(decimal), "1.0")]
    [InlineData("4.70", typeof(decimal), "4.70")]
    [InlineData("-0.0", typeof(decimal), "0.0")]
    [InlineData("1E2", typeof(decimal), "100")]
    [InlineData("1e-2", typeof(decimal), "0.01")]
    [InlineData("2.5E+1", typeof(decimal), "25")]
    [InlineData("0.1000000000000000000000000001", typeof(decimal), "0.1000000000000000000000000001")]
    [InlineData("0.10000000000000000000000000001", typeof(double), "0.1")]
    [InlineData("1e-30", typeof(double), "1E-30")]
    [InlineData("1.7976931348623157e308", typeof(double), "1.7976931348623157E+308")]
    [InlineData("1e400", typeof(string), "1e400")]
    [InlineData("-1e400", typeof(string), "-1e400")]
    [InlineData("1e-400", typeof(string), "1e-400")]
    [InlineData("0e-400", typeof(decimal), "0.0000000000000000000000000000")]
    public void Types_a_number_as_the_help_says(string json, System.Type expected, string text)
    {
        var value = Read(json);

        Assert.IsType(expected, value);
        Assert.Equal(text, value is System.IFormattable f ? f.ToString(expected == typeof(double) ? "R" : null, System.Globalization.CultureInfo.InvariantCulture) : value);
    }

    [Fact]
    public void Keeps_every_digit_of_a_decimal_that_needs_all_28()
    {
        Assert.Equal(0.1000000000000000000000000001m, Read("0.1000000000000000000000000001"));
        Assert.NotEqual(0.1m, Read("0.1000000000000000000000000001"));
    }

    private static object Read(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        return JsonNumber.Read(ref reader);
    }
}
