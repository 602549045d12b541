using System.IO;
using System.Text;
using MeetEngage.Json;
using Xunit;

namespace MeetEngage.Tests;

public class CapacityHintTests
{
    [Fact]
    public void NewObjectsExpectAsManyPropertiesAsTheLastObjectClosedAtTheirDepth()
    {
        // Row 1 and its nested objects have no predecessor; row 2 expects row 1's four properties and
        // its b expects row 1's b's three; an array at a depth leaves that depth's last object width alone.
        const string body = """
            {"output":[
              {"a":1,"b":{"x":1,"y":2,"z":3},"c":[{"p":1}],"d":2},
              {"a":1,"b":{"x":1},"c":[],"d":2},
              {"a":1}
            ]}
            """;
        var builder = new RowBuilder();
        using var reader = new OutputReader<Row>(new MemoryStream(Encoding.UTF8.GetBytes(body)), builder);
        var rows = 0;
        while (reader.TryReadRow(out _))
        {
            rows++;
        }

        Assert.Equal(3, rows);
        Assert.Equal(new[] { 0, 0, 0, 4, 3, 4 }, builder.CapacityHints);
    }

    [Fact]
    public void RepeatedNamesCountOnce()
    {
        var builder = new RowBuilder();
        using var reader = new OutputReader<Row>(new MemoryStream(Encoding.UTF8.GetBytes("""{"output":[{"a":1,"A":2,"b":3},{"a":1}]}""")), builder);
        while (reader.TryReadRow(out _))
        {
        }

        Assert.Equal(new[] { 0, 2 }, builder.CapacityHints);
    }
}
