using System;
using System.Collections.Generic;
using System.Text;

namespace MeetEngage.Export;

/// <summary>The -Encoding names, as Export-Csv on PowerShell 7 spells them (utf8 has no BOM).</summary>
internal static class ExportEncoding
{
    public const string Default = "utf8";

    public static readonly string[] Names = { "ascii", "bigendianunicode", "bigendianutf32", "unicode", "utf32", "utf8", "utf8BOM", "utf8NoBOM" };

    private static readonly Dictionary<string, Func<Encoding>> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ascii"] = static () => new ASCIIEncoding(),
        ["bigendianunicode"] = static () => new UnicodeEncoding(bigEndian: true, byteOrderMark: true),
        ["bigendianutf32"] = static () => new UTF32Encoding(bigEndian: true, byteOrderMark: true),
        ["unicode"] = static () => new UnicodeEncoding(bigEndian: false, byteOrderMark: true),
        ["utf32"] = static () => new UTF32Encoding(bigEndian: false, byteOrderMark: true),
        ["utf8"] = static () => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        ["utf8BOM"] = static () => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
        ["utf8NoBOM"] = static () => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
    };

    public static Encoding Get(string name) => ByName[name]();

    /// <summary>JSON Lines files are UTF-8 (RFC 8259 and the JSON Lines format), with or without a BOM.</summary>
    public static bool IsUtf8(string name) => Get(name) is UTF8Encoding;
}
