using System;
using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using MeetEngage.Api;

namespace MeetEngage.Commands;

/// <summary>
/// Write-Progress for Get- and Export-MeetEngageData: chunk i of n with its range, rows so far and a time
/// left that counts the rate limiter's waits; or, for one long download, rows and bytes. Updates
/// at most four times a second, so that runbook job streams stay small.
/// </summary>
internal sealed class DataProgress
{
    private const int ActivityId = 0x4D45;
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A single download shows progress only once it has run this long.</summary>
    private static readonly TimeSpan SingleDownloadDelay = TimeSpan.FromSeconds(1);

    private readonly Cmdlet _cmdlet;
    private readonly MeetEngageClient _client;
    private readonly string _activity;
    private readonly int _chunks;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private TimeSpan _lastWritten;
    private bool _written;
    private int _chunk;
    private DateRange _range;
    private long _rowsBeforeChunk;
    private long _rowsInChunk;
    private long _bytesInChunk;
    private string? _waiting;

    public DataProgress(Cmdlet cmdlet, MeetEngageClient client, string dataMethod, int chunks, string commandName = "Get-MeetEngageData")
    {
        _cmdlet = cmdlet;
        _client = client;
        _chunks = chunks;
        _activity = commandName + " " + dataMethod;
    }

    private bool Chunked => _chunks > 1;

    public void ChunkStarted(int index, DateRange range, long rowsSoFar)
    {
        _chunk = index;
        _range = range;
        _rowsBeforeChunk = rowsSoFar;
        _rowsInChunk = 0;
        _bytesInChunk = 0;
        _waiting = null;
        Write(force: Chunked);
    }

    public void Rows(long rowsInChunk, long bytesInChunk)
    {
        _rowsInChunk = rowsInChunk;
        _bytesInChunk = bytesInChunk;
        _waiting = null;
        Write(force: false);
    }

    public void Waiting(TimeSpan delay, string reason)
    {
        _waiting = string.Format(CultureInfo.InvariantCulture, "waiting {0:0.0} s ({1})", delay.TotalSeconds, reason);
        Write(force: false);
    }

    public void Complete()
    {
        if (_written)
        {
            _cmdlet.WriteProgress(new ProgressRecord(ActivityId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    private void Write(bool force)
    {
        var now = _elapsed.Elapsed;
        if (!Chunked && now < SingleDownloadDelay)
        {
            return;
        }

        if (!force && _written && now - _lastWritten < MinimumInterval)
        {
            return;
        }

        _lastWritten = now;
        _written = true;
        var rows = _rowsBeforeChunk + _rowsInChunk;
        string status;
        var record = new ProgressRecord(ActivityId, _activity, "Reading");
        if (Chunked)
        {
            status = string.Format(CultureInfo.InvariantCulture, "Chunk {0} of {1}: {2} (UTC); {3:N0} rows so far", _chunk + 1, _chunks, _range, rows);
            record.PercentComplete = Math.Min(100, _chunk * 100 / _chunks);
            record.SecondsRemaining = SecondsRemaining(now);
        }
        else
        {
            status = string.Format(CultureInfo.InvariantCulture, "{0:N0} rows, {1:N1} MB so far", rows, _bytesInChunk / (1024.0 * 1024.0));
        }

        record.StatusDescription = _waiting is null ? status : status + "; " + _waiting;
        _cmdlet.WriteProgress(record);
    }

    /// <summary>
    /// The average time per finished chunk times the chunks left, but never less than the rate
    /// limiter lets those requests start in.
    /// </summary>
    private int SecondsRemaining(TimeSpan now)
    {
        var left = _chunks - _chunk;
        var floor = _client.MinimumTimeFor(left - 1);
        if (_chunk == 0)
        {
            return floor > TimeSpan.Zero ? (int)Math.Ceiling(floor.TotalSeconds) : -1;
        }

        var average = TimeSpan.FromTicks(now.Ticks / _chunk);
        var estimate = TimeSpan.FromTicks(average.Ticks * left);
        return (int)Math.Ceiling((estimate > floor ? estimate : floor).TotalSeconds);
    }
}
