using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace MeetEngage.Simulator;

/// <summary>One API request as the tests see it. Never holds the Authorization value or the secret.</summary>
internal sealed class RequestLogEntry
{
    public required DateTimeOffset Time { get; init; }

    public required string Method { get; init; }

    public required string Path { get; init; }

    public required IReadOnlyList<KeyValuePair<string, string>> Query { get; init; }

    public required string RawQuery { get; init; }

    public required string? Key { get; init; }

    public required bool Authorization { get; init; }

    public required string? Fault { get; init; }

    public required int Generation { get; init; }

    /// <summary>The status sent, once the response headers have gone out (null if the connection was dropped first).</summary>
    public int? Status { get; set; }
}

/// <summary>The log behind <c>/_sim/requests</c> and <c>/_sim/stats</c>; thread-safe.</summary>
internal sealed class RequestLog
{
    // Bounds memory when a benchmark hammers the server; the stats keep counting past it.
    private const int MaxEntries = 100_000;

    private readonly object _gate = new();
    private readonly List<RequestLogEntry> _entries = [];
    private readonly SortedDictionary<int, long> _statusCounts = [];
    private long _requests;

    // Requests still running across a reset must not leak their status into the new log.
    private int _generation;

    public RequestLogEntry Begin(HttpRequest request, BasicCredentials credentials, string? fault)
    {
        var query = new List<KeyValuePair<string, string>>(request.Query.Count);
        foreach (KeyValuePair<string, StringValues> pair in request.Query)
        {
            // A repeated parameter shows its values joined with ',' (StringValues' own rendering).
            query.Add(new(pair.Key, pair.Value.ToString()));
        }

        string raw = request.QueryString.Value ?? string.Empty;
        lock (_gate)
        {
            var entry = new RequestLogEntry
            {
                Time = DateTimeOffset.UtcNow,
                Method = request.Method,
                Path = request.Path.Value ?? string.Empty,
                Query = query,
                RawQuery = raw.StartsWith('?') ? raw[1..] : raw,
                Key = credentials.User,
                Authorization = credentials.HeaderPresent,
                Fault = fault,
                Generation = _generation,
            };
            _requests++;
            if (_entries.Count < MaxEntries)
            {
                _entries.Add(entry);
            }

            return entry;
        }
    }

    public void Complete(RequestLogEntry entry, int status)
    {
        lock (_gate)
        {
            if (entry.Status is not null || entry.Generation != _generation)
            {
                return;
            }

            entry.Status = status;
            _statusCounts[status] = _statusCounts.GetValueOrDefault(status) + 1;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _entries.Clear();
            _statusCounts.Clear();
            _requests = 0;
            _generation++;
        }
    }

    public void WriteRequests(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            writer.WriteStartArray();
            foreach (RequestLogEntry entry in _entries)
            {
                writer.WriteStartObject();
                writer.WriteString("time", entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                writer.WriteString("method", entry.Method);
                writer.WriteString("path", entry.Path);
                writer.WriteStartObject("query");
                foreach (KeyValuePair<string, string> pair in entry.Query)
                {
                    writer.WriteString(pair.Key, pair.Value);
                }

                writer.WriteEndObject();
                writer.WriteString("rawQuery", entry.RawQuery);
                writer.WriteString("key", entry.Key);
                writer.WriteBoolean("authorization", entry.Authorization);
                if (entry.Status is int status)
                {
                    writer.WriteNumber("status", status);
                }
                else
                {
                    writer.WriteNull("status");
                }

                writer.WriteString("fault", entry.Fault);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }
    }

    public void WriteStats(Utf8JsonWriter writer)
    {
        lock (_gate)
        {
            writer.WriteStartObject();
            writer.WriteNumber("requests", _requests);
            writer.WriteStartObject("status");
            foreach (KeyValuePair<int, long> pair in _statusCounts)
            {
                writer.WriteNumber(pair.Key.ToString(CultureInfo.InvariantCulture), pair.Value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }
    }
}
