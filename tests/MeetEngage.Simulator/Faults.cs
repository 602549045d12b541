using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace MeetEngage.Simulator;

internal enum FaultKind
{
    Status,
    Raw,
    Html,
    Truncate,
    Reset,
    Stall,
    Delay,
    Redirect,
    Meta,
    HugeValue,
    DeepNesting,
    Endless,
    NotArray,
    RowsNotObjects,
    NoOutput,
    ErrorBody,
}

/// <summary>Which API requests a fault applies to.</summary>
internal enum FaultTarget
{
    Data,
    Root,
    Any,
}

/// <summary>The kind of an API request, for fault matching.</summary>
internal enum ApiRoute
{
    Root,
    Data,
    Other,
}

/// <summary>
/// One queued fault. Its parameters are fixed when it is posted; only <see cref="Remaining"/> changes, under the
/// queue's lock.
/// </summary>
internal sealed class Fault
{
    public required FaultKind Kind { get; init; }

    /// <summary>The kind as documented (camelCase), shown in the request log.</summary>
    public required string Name { get; init; }

    public required FaultTarget Target { get; init; }

    public string? Key { get; init; }

    public int Remaining { get; set; }

    public int Status { get; init; } = 200;

    public string? RetryAfter { get; init; }

    public byte[]? Body { get; init; }

    public string ContentType { get; init; } = Responses.JsonContentType;

    public long AfterRows { get; init; } = 3;

    public TimeSpan Duration { get; init; }

    public string? Location { get; init; }

    /// <summary>For meta: the extra properties, already serialised without the surrounding braces.</summary>
    public byte[]? MetaProperties { get; init; }

    public bool MetaAfter { get; init; }

    public long Bytes { get; init; }

    public int Depth { get; init; }

    public string Message { get; init; } = "Simulated error";

    /// <summary>
    /// True for faults that alter the normal response (which is still subject to auth, validation and the rate
    /// limit); false for faults that replace the response outright.
    /// </summary>
    public bool ModifiesNormalResponse => Kind is FaultKind.Truncate or FaultKind.Reset or FaultKind.Stall or FaultKind.Delay or FaultKind.Meta;

    /// <summary>True for the faults that cut a normal response short after <see cref="AfterRows"/> rows.</summary>
    public bool CutsResponse => Kind is FaultKind.Truncate or FaultKind.Reset or FaultKind.Stall;

    public bool Matches(ApiRoute route, string? key)
    {
        bool targetMatches = Target switch
        {
            FaultTarget.Any => true,
            FaultTarget.Root => route == ApiRoute.Root,
            _ => route == ApiRoute.Data,
        };
        return targetMatches && (Key is null || string.Equals(Key, key, StringComparison.Ordinal));
    }
}

/// <summary>The FIFO of pending faults; thread-safe.</summary>
internal sealed class FaultQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<Fault> _faults = new();

    public void Enqueue(IEnumerable<Fault> faults)
    {
        lock (_gate)
        {
            foreach (Fault fault in faults)
            {
                _faults.AddLast(fault);
            }
        }
    }

    /// <summary>Takes one use of the first fault that matches the request, or returns null.</summary>
    public Fault? Take(ApiRoute route, string? key)
    {
        lock (_gate)
        {
            for (LinkedListNode<Fault>? node = _faults.First; node is not null; node = node.Next)
            {
                Fault fault = node.Value;
                if (fault.Matches(route, key))
                {
                    if (--fault.Remaining == 0)
                    {
                        _faults.Remove(node);
                    }

                    return fault;
                }
            }

            return null;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    public void WritePending(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            writer.WriteStartArray();
            foreach (Fault fault in _faults)
            {
                writer.WriteStartObject();
                writer.WriteString("kind", fault.Name);
                writer.WriteNumber("remaining", fault.Remaining);
                writer.WriteString("target", fault.Target.ToString().ToLowerInvariant());
                writer.WriteString("key", fault.Key);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }
}

/// <summary>
/// Reads the body of <c>POST /_sim/faults</c>. Strict on purpose: an unknown kind or field (a typo in a test)
/// is a 400 naming it, rather than a fault that silently does something else.
/// </summary>
internal static class FaultParser
{
    public const int MaxSeconds = 120;
    public const long MaxHugeBytes = 4L * 1024 * 1024 * 1024;
    public const int MaxDepth = 10_000_000;

    private static readonly string[] CommonFields = ["kind", "count", "target", "key"];

    private static readonly string[] MetaArrays = ["warnings", "errors"];

    private static readonly Dictionary<string, (FaultKind Kind, string[] Fields)> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["status"] = (FaultKind.Status, ["status", "retryAfter", "body", "contentType"]),
        ["raw"] = (FaultKind.Raw, ["status", "contentType", "body", "bodyBase64"]),
        ["html"] = (FaultKind.Html, ["status"]),
        ["truncate"] = (FaultKind.Truncate, ["afterRows"]),
        ["reset"] = (FaultKind.Reset, ["afterRows"]),
        ["stall"] = (FaultKind.Stall, ["afterRows", "seconds"]),
        ["delay"] = (FaultKind.Delay, ["seconds"]),
        ["redirect"] = (FaultKind.Redirect, ["status", "location"]),
        ["meta"] = (FaultKind.Meta, ["warnings", "errors", "meta", "position"]),
        ["hugeValue"] = (FaultKind.HugeValue, ["bytes"]),
        ["deepNesting"] = (FaultKind.DeepNesting, ["depth"]),
        ["endless"] = (FaultKind.Endless, ["seconds"]),
        ["notArray"] = (FaultKind.NotArray, []),
        ["rowsNotObjects"] = (FaultKind.RowsNotObjects, []),
        ["noOutput"] = (FaultKind.NoOutput, []),
        ["errorBody"] = (FaultKind.ErrorBody, ["message"]),
    };

    /// <summary>Parses <c>{"faults":[...]}</c>; throws <see cref="FormatException"/> naming the offending fault.</summary>
    public static List<Fault> ParseRequest(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("faults", out JsonElement list)
            || list.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The body must be {\"faults\":[ {\"kind\":...}, ... ]}.");
        }

        var faults = new List<Fault>();
        int index = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            faults.Add(Parse(item, $"faults[{index++}]"));
        }

        return faults;
    }

    private static Fault Parse(JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where} must be an object.");
        }

        string kindName = GetString(item, "kind", where) ?? throw new FormatException($"{where}.kind is required.");
        if (!Kinds.TryGetValue(kindName, out (FaultKind Kind, string[] Fields) spec))
        {
            throw new FormatException($"{where}.kind '{kindName}' is unknown; known kinds: {string.Join(", ", Kinds.Keys)}.");
        }

        string name = Kinds.Keys.First(k => string.Equals(k, kindName, StringComparison.OrdinalIgnoreCase));
        try
        {
            return Parse(item, spec.Kind, spec.Fields, name, where);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{ex.Message.TrimEnd('.')} (kind '{name}').", ex);
        }
    }

    private static Fault Parse(JsonElement item, FaultKind kind, string[] fields, string name, string where)
    {
        foreach (JsonProperty property in item.EnumerateObject())
        {
            if (!CommonFields.Contains(property.Name, StringComparer.OrdinalIgnoreCase)
                && !fields.Contains(property.Name, StringComparer.OrdinalIgnoreCase))
            {
                throw new FormatException($"{where} has an unknown field '{property.Name}'; allowed: {string.Join(", ", CommonFields.Concat(fields))}.");
            }
        }

        string? target = GetString(item, "target", where);
        int? status = GetInt(item, "status", where, 200, 599);
        if (kind == FaultKind.Status && status is null)
        {
            throw new FormatException($"{where}.status is required.");
        }

        if (kind == FaultKind.Redirect && status is not null and not (>= 300 and <= 399))
        {
            throw new FormatException($"{where}.status must be a 3xx status.");
        }

        string? location = GetString(item, "location", where);
        if (kind == FaultKind.Redirect && !Uri.TryCreate(location, UriKind.Absolute, out _))
        {
            throw new FormatException($"{where}.location must be an absolute URL.");
        }

        double? seconds = GetNumber(item, "seconds", where, 0, MaxSeconds);
        string? position = GetString(item, "position", where);
        if (position is not null and not "before" and not "after")
        {
            throw new FormatException($"{where}.position must be \"before\" or \"after\".");
        }

        return new Fault
        {
            Kind = kind,
            Name = name,
            Target = target?.ToLowerInvariant() switch
            {
                null or "data" => FaultTarget.Data,
                "root" => FaultTarget.Root,
                "any" => FaultTarget.Any,
                _ => throw new FormatException($"{where}.target must be \"root\", \"data\" or \"any\"."),
            },
            Key = GetString(item, "key", where),
            Remaining = GetInt(item, "count", where, 1, int.MaxValue) ?? 1,
            Status = status ?? (kind == FaultKind.Redirect ? 302 : 200),
            RetryAfter = GetRetryAfter(item, where),
            Body = GetBody(item, kind, status ?? 200, where),
            ContentType = GetString(item, "contentType", where) ?? Responses.JsonContentType,
            AfterRows = GetInt(item, "afterRows", where, 0, int.MaxValue) ?? 3,
            Duration = TimeSpan.FromSeconds(seconds ?? kind switch
            {
                FaultKind.Delay => 2,
                FaultKind.Stall => 30,
                _ => MaxSeconds,
            }),
            Location = location,
            MetaProperties = kind == FaultKind.Meta ? BuildMeta(item, where) : null,
            MetaAfter = position == "after",
            Bytes = GetLong(item, "bytes", where, 0, MaxHugeBytes) ?? (64L * 1024 * 1024),
            Depth = GetInt(item, "depth", where, 1, MaxDepth) ?? 10_000,
            Message = GetString(item, "message", where) ?? "Simulated error",
        };
    }

    // Sent verbatim, so a test can send seconds ("2") or an HTTP date; a bare JSON number is taken as seconds.
    private static string? GetRetryAfter(JsonElement item, string where)
        => TryGet(item, "retryAfter", out JsonElement value) && value.ValueKind == JsonValueKind.Number
            ? value.GetRawText()
            : GetString(item, "retryAfter", where);

    private static byte[]? GetBody(JsonElement item, FaultKind kind, int status, string where)
    {
        string? body = GetString(item, "body", where);
        string? base64 = GetString(item, "bodyBase64", where);
        if (body is not null && base64 is not null)
        {
            throw new FormatException($"{where} may have body or bodyBase64, not both.");
        }

        if (base64 is not null)
        {
            try
            {
                return Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                throw new FormatException($"{where}.bodyBase64 is not valid base64.");
            }
        }

        return body is not null
            ? Encoding.UTF8.GetBytes(body)
            : kind == FaultKind.Status ? Encoding.UTF8.GetBytes($"{{\"error\":\"Simulated {status}\"}}") : null;
    }

    // "warnings" and "errors" (string arrays) and "meta" (any JSON, verbatim), as "name":value,... without braces.
    private static byte[] BuildMeta(JsonElement item, string where)
    {
        byte[] json = JsonText.Build(writer =>
        {
            writer.WriteStartObject();
            foreach (string name in MetaArrays)
            {
                if (!TryGet(item, name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                writer.WritePropertyName(name);
                if (value.ValueKind == JsonValueKind.String)
                {
                    // PowerShell's ConvertTo-Json turns a one-element array into a plain string; take it as one.
                    writer.WriteStartArray();
                    writer.WriteStringValue(value.GetString());
                    writer.WriteEndArray();
                }
                else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
                {
                    writer.WriteRawValue(value.GetRawText());
                }
                else
                {
                    throw new FormatException($"{where}.{name} must be an array of strings.");
                }
            }

            if (TryGet(item, "meta", out JsonElement meta))
            {
                writer.WritePropertyName("meta");
                writer.WriteRawValue(meta.GetRawText());
            }

            writer.WriteEndObject();
        });
        return json[1..^1];
    }

    private static bool TryGet(JsonElement item, string name, out JsonElement value)
    {
        foreach (JsonProperty property in item.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static string? GetString(JsonElement item, string name, string where)
    {
        if (!TryGet(item, name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"{where}.{name} must be a string.");
    }

    private static double? GetNumber(JsonElement item, string name, string where, double min, double max)
    {
        if (!TryGet(item, name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double number) || number < min || number > max)
        {
            throw new FormatException($"{where}.{name} must be a number from {min} to {max}.");
        }

        return number;
    }

    private static long? GetLong(JsonElement item, string name, string where, long min, long max)
    {
        if (!TryGet(item, name, out JsonElement value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long number) || number < min || number > max)
        {
            throw new FormatException($"{where}.{name} must be an integer from {min} to {max}.");
        }

        return number;
    }

    private static int? GetInt(JsonElement item, string name, string where, int min, int max)
        => (int?)GetLong(item, name, where, min, max);
}
