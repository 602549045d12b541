using System;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>
/// The .NET value of a JSON number, by one rule the help states: a number written as an integer
/// is an Int32, else an Int64; any other number (a fraction, an exponent, an integer beyond
/// Int64) is a Decimal when a Decimal holds exactly the value sent (keeping its digits, so 4.70
/// stays 4.70 and 1E2 is 100), else the nearest Double; a number beyond Double's range (such as
/// 1e400, or 1e-400, which a Double would make 0) stays the text the API sent.
/// </summary>
internal static class JsonNumber
{
    /// <summary>Plain numbers this long or shorter always fit a Decimal exactly (at most 28 digits).</summary>
    private const int SafeDecimalLength = 28;

    private static readonly char[] ExponentMarks = { 'e', 'E' };

    public static object Read(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt32(out var i))
        {
            return i;
        }

        if (reader.TryGetInt64(out var l))
        {
            return l;
        }

        var raw = reader.ValueSpan;
        if (raw.Length <= SafeDecimalLength && raw.IndexOfAny((byte)'e', (byte)'E') < 0 && reader.TryGetDecimal(out var quick))
        {
            return quick;
        }

        return FromText(Encoding.UTF8.GetString(raw.ToArray()));
    }

    /// <summary>The slow path: long or exponent numbers, which need an exactness check.</summary>
    internal static object FromText(string text)
    {
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) &&
            Canonical.Of(text).Equals(Canonical.Of(m.ToString(CultureInfo.InvariantCulture))))
        {
            return m;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) &&
            !double.IsInfinity(d) &&
            (d != 0 || Canonical.Of(text).IsZero))
        {
            return d;
        }

        return text;
    }

    /// <summary>A number's value as significant digits and a power of ten, for exact comparison.</summary>
    private readonly struct Canonical : IEquatable<Canonical>
    {
        private Canonical(bool negative, string digits, long exponent)
        {
            Negative = negative;
            Digits = digits;
            Exponent = exponent;
        }

        public bool Negative { get; }

        /// <summary>Without leading or trailing zeros; empty for zero.</summary>
        public string Digits { get; }

        /// <summary>The value is Digits × 10^Exponent.</summary>
        public long Exponent { get; }

        public bool IsZero => Digits.Length == 0;

        public static Canonical Of(string text)
        {
            var negative = text.StartsWith("-", StringComparison.Ordinal);
            var body = negative || text.StartsWith("+", StringComparison.Ordinal) ? text.Substring(1) : text;
            long exponent = 0;
            var e = body.IndexOfAny(ExponentMarks);
            if (e >= 0)
            {
                // Beyond any Decimal or Double: clamped, which still compares unequal to both.
                exponent = long.TryParse(body.Substring(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue / 2;
                body = body.Substring(0, e);
            }

            var point = body.IndexOf('.');
            if (point >= 0)
            {
                exponent -= body.Length - point - 1;
                body = body.Remove(point, 1);
            }

            var digits = body.TrimStart('0');
            var trimmed = digits.TrimEnd('0');
            exponent += digits.Length - trimmed.Length;
            return new Canonical(negative && trimmed.Length > 0, trimmed, trimmed.Length == 0 ? 0 : exponent);
        }

        public bool Equals(Canonical other) =>
            Negative == other.Negative && Exponent == other.Exponent && string.Equals(Digits, other.Digits, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Canonical other && Equals(other);

        public override int GetHashCode() => Digits.GetHashCode() ^ Exponent.GetHashCode();
    }
}
