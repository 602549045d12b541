using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading.Tasks;

namespace MeetEngage.Simulator;

/// <summary>
/// The effective date window of a request, in ms since the Unix epoch: [FromMs, ToMs).
/// As the vendor page says, from_date is rounded down and to_date up to UTC midnight.
/// </summary>
internal readonly record struct DateRange(long FromMs, long ToMs)
{
    public const long DayMs = 86_400_000;

    public static DateRange FromQuery(long? fromDate, long? toDate)
    {
        long from = fromDate is long f ? f - (f % DayMs) : 0;
        long to = long.MaxValue;
        if (toDate is long t)
        {
            long remainder = t % DayMs;
            to = remainder == 0 ? t : t > long.MaxValue - DayMs ? long.MaxValue : t - remainder + DayMs;
        }

        return new DateRange(from, to);
    }

    public bool Contains(long ms) => ms >= FromMs && ms < ToMs;
}

/// <summary>A data method's rows.</summary>
internal interface IDataSet
{
    /// <summary>Writes the rows dated inside <paramref name="range"/>, at most <paramref name="maxRows"/> of them.</summary>
    ValueTask WriteRowsAsync(JsonSink sink, DateRange range, long maxRows);
}

/// <summary>Rows serialised once, up front; each keeps the date used for filtering (which it may or may not emit).</summary>
internal sealed class PrecomputedDataSet(IReadOnlyList<(long DateMs, byte[] Json)> rows) : IDataSet
{
    public async ValueTask WriteRowsAsync(JsonSink sink, DateRange range, long maxRows)
    {
        long written = 0;
        foreach ((long dateMs, byte[] json) in rows)
        {
            if (written >= maxRows)
            {
                break;
            }

            if (!range.Contains(dateMs))
            {
                continue;
            }

            sink.BeginRow();
            sink.Write(json);
            written++;
            await sink.FlushIfNeededAsync();
        }
    }
}

/// <summary>Which data methods exist for which account. Everything is deterministic and built on first use.</summary>
internal sealed class DataCatalog
{
    private readonly Lazy<IDataSet> _demoStandard = new(() => SampleData.Standard(SampleData.DemoProfile));
    private readonly Lazy<IDataSet> _otherStandard = new(() => SampleData.Standard(SampleData.OtherProfile));
    private readonly Lazy<IDataSet> _demoBasic = new(() => SampleData.BasicInfo(other: false));
    private readonly Lazy<IDataSet> _otherBasic = new(() => SampleData.BasicInfo(other: true));
    private readonly Lazy<IDataSet> _mixed = new(SampleData.MixedSchema);
    private readonly Lazy<IDataSet> _exportShapes = new(ExportShapesDataSet.Create);

    /// <summary>
    /// Account <c>other</c> has its own small sets; every other account (demo, and any added with --key)
    /// sees demo's. Method names are case-sensitive.
    /// </summary>
    public IDataSet? Find(string account, string method)
    {
        bool other = account == "other";
        return method switch
        {
            "standard" => (other ? _otherStandard : _demoStandard).Value,
            "custom_method_basic_info" => (other ? _otherBasic : _demoBasic).Value,
            "mixed_schema" => other ? null : _mixed.Value,
            "export_shapes" => other ? null : _exportShapes.Value,
            _ => BulkDataSet.TryCreate(method),
        };
    }
}

/// <summary>The row generators behind the named data sets.</summary>
internal static class SampleData
{
    public static readonly StandardProfile DemoProfile = new(
        Rows: 1000,
        Start: new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        Step: TimeSpan.FromHours(9),
        EventIdBase: 1000,
        ReferenceBase: 9_007_199_254_740_993,
        EmailPrefix: "attendee",
        EmailDomain: "example.com",
        EventNames: ["Graduate Insight Day", "Café Careers Evening", "Engineering Live Q&A", "Summer Internship Webinar"],
        Countries: ["GB", "US", "DE", "FR", "IE", "NL", "ES", "IN", "JP", "BR"]);

    public static readonly StandardProfile OtherProfile = new(
        Rows: 50,
        Start: new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc),
        Step: TimeSpan.FromHours(12),
        EventIdBase: 5000,
        ReferenceBase: 9_007_199_254_750_001,
        EmailPrefix: "member",
        EmailDomain: "example.org",
        EventNames: ["Other Org Open Evening", "Other Org Chat"],
        Countries: ["AU", "NZ", "CA"]);

    /// <summary>The texts that exercise CSV and JSON edge cases; row i gets Notes[(i / 10) % n] when i % 10 == 3.</summary>
    public static readonly string[] AwkwardNotes =
    [
        "She said \"hello\", then left",
        "Line one\nLine two",
        "Column A\tColumn B",
        "Zoë, café — ✓ 日本",
        "Party 🎉 time",
        "\"Quoted\", commas, a\nnewline, a\ttab, Zoë ✓ 日本 🎉",
        "Back\\slash and /slash",
        "",
    ];

    private static readonly string[] Devices = ["Mobile", "Tablet", "Desktop"];

    private static readonly byte[] DetailsJson = """{"Source":"LinkedIn","Campaign":{"Name":"Spring","Id":7}}"""u8.ToArray();
    private static readonly byte[] AnswersJson = """[1,"two",null,true,2.5]"""u8.ToArray();

    public static PrecomputedDataSet Standard(StandardProfile p)
    {
        var rows = new (long, byte[])[p.Rows];
        for (int i = 0; i < p.Rows; i++)
        {
            DateTime date = p.Start + (p.Step * i);
            byte[] json = JsonText.Build(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("EventId", p.EventIdBase + i);
                w.WriteString("EventName", p.EventNames[i % p.EventNames.Length]);
                w.WriteString("Date", date.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                w.WriteString("Device", Devices[i % Devices.Length]);
                w.WriteString("EmailAddress", string.Create(CultureInfo.InvariantCulture, $"{p.EmailPrefix}{i}@{p.EmailDomain}"));
                w.WriteString("AttendedOnlineLiveChat", (123_456_789L + (i * 1000L)).ToString(CultureInfo.InvariantCulture));
                w.WriteBoolean("Registered", i % 3 != 1);
                w.WriteString("Country", p.Countries[i % p.Countries.Length]);
                w.WriteNumber("Sessions", i % 6);
                w.WriteNumber("Score", Score(i));
                w.WriteNumber("Reference", p.ReferenceBase + i);
                w.WritePropertyName("Notes");
                if (i % 10 == 3)
                {
                    w.WriteRawValue(JsonText.QuoteMinimal(AwkwardNotes[i / 10 % AwkwardNotes.Length]));
                }
                else
                {
                    w.WriteNullValue();
                }

                WriteRawOrNull(w, "Details", i % 5 == 0 ? DetailsJson : null);
                WriteRawOrNull(w, "Answers", i % 7 == 0 ? AnswersJson : null);
                w.WriteEndObject();
            });
            rows[i] = (ToMs(date), json);
        }

        return new PrecomputedDataSet(rows);
    }

    /// <summary>The vendor's own example shape; demo's first two rows are exactly the vendor's example rows.</summary>
    public static PrecomputedDataSet BasicInfo(bool other)
    {
        const int Count = 200;
        string[] countries = other ? ["AU", "NZ", "CA"] : ["GB", "GB", "US", "IE", "DE"];
        var rows = new (long, byte[])[Count];
        for (int i = 0; i < Count; i++)
        {
            DateTime date = DemoProfile.Start + (DemoProfile.Step * i);
            string email = (other, i) switch
            {
                (false, 0) => "timworks@example.com",
                (false, 1) => "gmshroll@example.com",
                (false, _) => string.Create(CultureInfo.InvariantCulture, $"user{i}@example.com"),
                (true, _) => string.Create(CultureInfo.InvariantCulture, $"member{i}@example.org"),
            };
            byte[] json = JsonText.Build(w =>
            {
                w.WriteStartObject();
                w.WriteString("Device", Devices[i % Devices.Length]);
                w.WriteString("EmailAddress", email);
                w.WriteString("AttendedOnlineLiveChat", (123_456_789L + (i / 2 * 7L)).ToString(CultureInfo.InvariantCulture));
                w.WriteBoolean("Registered", i % 2 == 1);
                w.WriteString("Country", countries[i % countries.Length]);
                w.WriteEndObject();
            });
            rows[i] = (ToMs(date), json);
        }

        return new PrecomputedDataSet(rows);
    }

    /// <summary>
    /// 30 rows, one a day from 2024-01-01, whose key sets differ (for CSV-union tests). Key sets cycle through
    /// <see cref="MixedKeySets"/>; the last row alone has F, so a union must look at every row.
    /// </summary>
    public static PrecomputedDataSet MixedSchema()
    {
        const int Count = 30;
        var rows = new (long, byte[])[Count];
        for (int i = 0; i < Count; i++)
        {
            string keys = i == Count - 1 ? "AF" : MixedKeySets[i % MixedKeySets.Length];
            byte[] json = JsonText.Build(w =>
            {
                w.WriteStartObject();
                foreach (char key in keys)
                {
                    string name = key.ToString();
                    switch (key)
                    {
                        case 'A': w.WriteNumber(name, i); break;
                        case 'B': w.WriteString(name, string.Create(CultureInfo.InvariantCulture, $"b{i}")); break;
                        case 'C': w.WriteBoolean(name, i % 2 == 0); break;
                        case 'D':
                            if (i % 4 == 2)
                            {
                                w.WriteNull(name);
                            }
                            else
                            {
                                w.WriteString(name, string.Create(CultureInfo.InvariantCulture, $"d{i}"));
                            }

                            break;
                        case 'E': w.WriteNumber(name, i + 0.5m); break;
                        default: w.WriteString(name, "last"); break;
                    }
                }

                w.WriteEndObject();
            });
            rows[i] = (ToMs(DemoProfile.Start.AddDays(i)), json);
        }

        return new PrecomputedDataSet(rows);
    }

    /// <summary>Key sets of mixed_schema rows, in the order written (row i uses entry i % 10).</summary>
    public static readonly string[] MixedKeySets = ["AB", "BC", "ADB", "CA", "E", "ABCDE", "DC", "B", "EA", "CBA"];

    // Two decimal places, never whole (e.g. 4.25): cents in 1.01 .. 4.99 skipping multiples of 100.
    private static decimal Score(int i)
    {
        int cents = 100 + (i * 37 % 400);
        if (cents % 100 == 0)
        {
            cents += 25;
        }

        return new decimal(cents, 0, 0, false, 2);
    }

    private static void WriteRawOrNull(Utf8JsonWriter writer, string name, byte[]? json)
    {
        writer.WritePropertyName(name);
        if (json is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteRawValue(json);
        }
    }

    private static long ToMs(DateTime utc) => new DateTimeOffset(utc).ToUnixTimeMilliseconds();
}

/// <summary>The knobs that make demo's and other's standard sets differ.</summary>
internal sealed record StandardProfile(
    int Rows,
    DateTime Start,
    TimeSpan Step,
    int EventIdBase,
    long ReferenceBase,
    string EmailPrefix,
    string EmailDomain,
    string[] EventNames,
    string[] Countries);
