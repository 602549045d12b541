using System;
using System.Globalization;
using System.Text;

namespace MeetEngage.Simulator;

/// <summary>
/// The row shapes of the bulk data sets: what a throughput measurement reads. Real data methods differ in
/// width, value sizes and nesting, and a parser tuned on one shape can be slow on another, so the benchmark
/// measures several (README, "Data sets").
/// </summary>
internal abstract class BulkShape
{
    /// <summary><c>bulk_N</c>: 16 flat columns, about 290 bytes, most values repeating.</summary>
    public static readonly BulkShape Flat = new FlatShape();

    public static readonly BulkShape Narrow = new NarrowShape();
    public static readonly BulkShape Medium = new MediumShape();
    public static readonly BulkShape Wide = new WideShape();
    public static readonly BulkShape Nested = new NestedShape();

    /// <summary>Comfortably above the longest row of the shape (with an 8-digit row number).</summary>
    public abstract int MaxRowBytes { get; }

    /// <summary>The shape named in <c>bulk_&lt;name&gt;_N</c>, or null.</summary>
    public static BulkShape? Find(string name) => name switch
    {
        "flat" => Flat,
        "narrow" => Narrow,
        "medium" => Medium,
        "wide" => Wide,
        "nested" => Nested,
        _ => null,
    };

    public abstract void Write(ref Utf8Row row, long i);

    private static ReadOnlySpan<byte> Cycle(byte[][] values, long i) => values[(int)(i % values.Length)];

    private static byte[][] Utf8(params string[] texts) => Array.ConvertAll(texts, Encoding.UTF8.GetBytes);

    /// <summary>The original bulk rows (RowId, EventId, Device, EmailAddress, Registered, Sessions, Score vary).</summary>
    private sealed class FlatShape : BulkShape
    {
        public override int MaxRowBytes => 512;

        public override void Write(ref Utf8Row row, long i)
        {
            row.Raw("{\"RowId\":"u8);
            row.Number(i);
            row.Raw(",\"EventId\":"u8);
            row.Number(20_000 + (i % 1000));
            row.Raw((i % 3) switch
            {
                0 => ",\"EventName\":\"Insight Day\",\"EventType\":\"Chat\",\"Device\":\"Mobile\",\"EmailAddress\":\"user"u8,
                1 => ",\"EventName\":\"Insight Day\",\"EventType\":\"Chat\",\"Device\":\"Tablet\",\"EmailAddress\":\"user"u8,
                _ => ",\"EventName\":\"Insight Day\",\"EventType\":\"Chat\",\"Device\":\"Desktop\",\"EmailAddress\":\"user"u8,
            });
            row.Number(i);
            row.Raw("@example.com\",\"FirstName\":\"Alex\",\"LastName\":\"Lee\",\"Country\":\"GB\",\"Source\":\"Web\",\"Course\":\"Law\",\"Status\":\"Live\",\"Registered\":"u8);
            row.Raw(i % 4 == 3 ? "false"u8 : "true"u8);
            row.Raw(",\"Sessions\":"u8);
            row.Number(i % 9);
            row.Raw(",\"Score\":"u8);
            row.Cents(100 + (int)(i * 37 % 400));
            row.Raw(",\"Notes\":null}"u8);
        }
    }

    /// <summary>The vendor example's five columns, about 130 bytes.</summary>
    private sealed class NarrowShape : BulkShape
    {
        private static readonly byte[][] Devices = Utf8("Mobile", "Tablet", "Desktop");
        private static readonly byte[][] Countries = Utf8("GB", "US", "DE", "FR", "IE", "NL", "ES", "IN");

        public override int MaxRowBytes => 256;

        public override void Write(ref Utf8Row row, long i)
        {
            row.Raw("{\"Device\":\""u8);
            row.Raw(Cycle(Devices, i));
            row.Raw("\",\"EmailAddress\":\"user"u8);
            row.Number(i);
            row.Raw("@example.com\",\"AttendedOnlineLiveChat\":\""u8);
            row.Number(123_456_789 + (i * 1000));
            row.Raw("\",\"Registered\":"u8);
            row.Raw(i % 3 == 1 ? "false"u8 : "true"u8);
            row.Raw(",\"Country\":\""u8);
            row.Raw(Cycle(Countries, i));
            row.Raw("\"}"u8);
        }
    }

    /// <summary>
    /// 11 columns of about 280 bytes with more distinct values (unique e-mail addresses and timestamps);
    /// every tenth row's Extra is a nested object or an array.
    /// </summary>
    private sealed class MediumShape : BulkShape
    {
        private static readonly byte[][] FirstNames = Utf8("Alexandra", "Mohammed", "Siobhan", "Wei", "Olumide", "Katarzyna", "Joséphine", "Rhys");
        private static readonly byte[][] LastNames = Utf8("Thompson", "Okonkwo-Smith", "Nguyen", "Fitzgerald", "Kowalczyk", "García López", "Evans", "Patel");
        private static readonly byte[][] Universities = Utf8("University of Manchester", "King's College London", "University of Edinburgh", "Cardiff University", "Queen's University Belfast");
        private static readonly byte[][] Courses = Utf8("Computer Science", "Law with French", "Mechanical Engineering", "Economics", "History of Art", "Medicine");

        public override int MaxRowBytes => 512;

        public override void Write(ref Utf8Row row, long i)
        {
            row.Raw("{\"CandidateId\":"u8);
            row.Number(1_000_000 + i);
            row.Raw(",\"EventName\":\"Insight Day London\",\"EmailAddress\":\"candidate"u8);
            row.Number(i);
            row.Raw("@example.ac.uk\",\"FirstName\":\""u8);
            row.Raw(Cycle(FirstNames, i));
            row.Raw("\",\"LastName\":\""u8);
            row.Raw(Cycle(LastNames, i / 3));
            row.Raw("\",\"University\":\""u8);
            row.Raw(Cycle(Universities, i / 7));
            row.Raw("\",\"Course\":\""u8);
            row.Raw(Cycle(Courses, i / 5));
            row.Raw("\",\"RegisteredAt\":\"2024-06-"u8);
            row.TwoDigits(1 + (i % 28));
            row.Raw("T"u8);
            row.TwoDigits(i / 60 % 24);
            row.Raw(":"u8);
            row.TwoDigits(i % 60);
            row.Raw(":00Z\",\"Attended\":"u8);
            row.Raw(i % 4 == 3 ? "false"u8 : "true"u8);
            row.Raw(",\"Score\":"u8);
            row.Cents(100 + (int)(i * 37 % 400));
            row.Raw((i % 20) switch
            {
                0 => ",\"Extra\":{\"Source\":\"LinkedIn\",\"Campaign\":\"Spring 2024\"}}"u8,
                10 => ",\"Extra\":[\"Q1\",\"Q2\",3]}"u8,
                _ => ",\"Extra\":null}"u8,
            });
        }
    }

    /// <summary>40 columns (Field01 ... Field40) cycling through int, short string, bool, decimal and unique string.</summary>
    private sealed class WideShape : BulkShape
    {
        private const int Columns = 40;

        private static readonly byte[][] Names = BuildNames();
        private static readonly byte[][] Words = Utf8("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot");

        public override int MaxRowBytes => 2048;

        public override void Write(ref Utf8Row row, long i)
        {
            for (int k = 0; k < Columns; k++)
            {
                row.Raw(Names[k]);
                switch (k % 5)
                {
                    case 0:
                        row.Number(i + k);
                        break;
                    case 1:
                        row.Raw("\""u8);
                        row.Raw(Cycle(Words, i + k));
                        row.Raw("\""u8);
                        break;
                    case 2:
                        row.Raw((i + k) % 3 == 0 ? "false"u8 : "true"u8);
                        break;
                    case 3:
                        row.Cents(100 + (int)((i + k) * 37 % 400));
                        break;
                    default:
                        row.Raw("\"v"u8);
                        row.Number(i);
                        row.Raw("-"u8);
                        row.Number(k);
                        row.Raw("\""u8);
                        break;
                }
            }

            row.Raw("}"u8);
        }

        private static byte[][] BuildNames()
        {
            var names = new byte[Columns][];
            for (int k = 0; k < Columns; k++)
            {
                names[k] = Encoding.UTF8.GetBytes(string.Format(CultureInfo.InvariantCulture, "{0}\"Field{1:00}\":", k == 0 ? "{" : ",", k + 1));
            }

            return names;
        }
    }

    /// <summary>Every row with a nested object (itself nesting one) and two arrays.</summary>
    private sealed class NestedShape : BulkShape
    {
        private static readonly byte[][] Cities = Utf8("Leeds", "Glasgow", "Bristol", "Belfast", "Swansea");

        public override int MaxRowBytes => 512;

        public override void Write(ref Utf8Row row, long i)
        {
            row.Raw("{\"Id\":"u8);
            row.Number(i);
            row.Raw(",\"EmailAddress\":\"user"u8);
            row.Number(i);
            row.Raw("@example.com\",\"EventName\":\"Insight Day\",\"Candidate\":{\"FirstName\":\"Alex\",\"LastName\":\"Lee\",\"Address\":{\"City\":\""u8);
            row.Raw(Cycle(Cities, i));
            row.Raw("\",\"Country\":\"GB\"}},\"Answers\":["u8);
            row.Number(i % 5);
            row.Raw(",\"two\",true,null,2.5],\"Tags\":[\"web\",\"law\"],\"Score\":"u8);
            row.Cents(100 + (int)(i * 37 % 400));
            row.Raw("}"u8);
        }
    }
}

/// <summary>A row being written into a span: the helpers the shapes share.</summary>
internal ref struct Utf8Row(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;

    public int Position { get; private set; }

    public void Raw(ReadOnlySpan<byte> segment)
    {
        segment.CopyTo(_destination[Position..]);
        Position += segment.Length;
    }

    public void Number(long value)
    {
        value.TryFormat(_destination[Position..], out int written, default, CultureInfo.InvariantCulture);
        Position += written;
    }

    /// <summary>Two digits, zero-padded (0 to 99).</summary>
    public void TwoDigits(long value)
    {
        _destination[Position++] = (byte)('0' + (value / 10 % 10));
        _destination[Position++] = (byte)('0' + (value % 10));
    }

    /// <summary>A decimal with two places, e.g. 437 as 4.37 (100 to 999).</summary>
    public void Cents(int cents)
    {
        _destination[Position++] = (byte)('0' + (cents / 100));
        _destination[Position++] = (byte)'.';
        TwoDigits(cents);
    }
}
