using System;
using System.Globalization;
using System.Threading;
using MeetEngage.Api;
using MeetEngage.Json;
using MeetEngage.Session;

namespace MeetEngage.Commands;

/// <summary>
/// Reads a <see cref="DataRequest"/> chunk by chunk with progress and the API's metadata on the
/// cmdlet's streams, handing each row to the caller: the loop Get-MeetEngageData and
/// Export-MeetEngageData share. What a failed chunk means is the caller's decision.
/// </summary>
internal sealed class DataReading
{
    private readonly MeetEngageSession _session;
    private readonly string _dataMethod;
    private readonly DataRequest _request;
    private readonly DataProgress _progress;
    private readonly DataObserver _observer;
    private readonly long _requestsBefore;

    public DataReading(MeetEngageCmdlet cmdlet, MeetEngageSession session, string dataMethod, DataRequest request, string commandName)
    {
        _session = session;
        _dataMethod = dataMethod;
        _request = request;
        _progress = new DataProgress(cmdlet, session.Client, dataMethod, request.Ranges.Count, commandName);
        _observer = new DataObserver(cmdlet, _progress, dataMethod);
        _requestsBefore = session.Client.Counters.Requests;
        cmdlet.WriteVerbose(request.Describe(dataMethod, session.Account));
        if (request.Chunked)
        {
            var ranges = request.Ranges;
            var rate = session.Client.RateLimit;
            var warning = ChunkPlanWarning.For(ranges.Count, session.Client.MinimumTimeFor(ranges.Count), request.ChunkDays, ranges[0].From, ranges[ranges.Count - 1].To, rate.Limit, rate.Window);
            if (warning is not null)
            {
                cmdlet.WriteWarning(warning);
            }
        }
    }

    /// <summary>Rows read so far, over all chunks.</summary>
    public long Rows { get; private set; }

    /// <summary>
    /// Reads chunks from <paramref name="firstChunk"/> on. A failed chunk goes to
    /// <paramref name="chunkFailed"/>, which returns true to go on with the next chunk or throws.
    /// </summary>
    public void Run<TObject>(IRowBuilder<TObject> builder, int firstChunk, Action<TObject> row, Func<MeetEngageException, int, DateRange, bool> chunkFailed, Action<int>? chunkDone, CancellationToken cancellationToken)
        where TObject : class
    {
        var ranges = _request.Ranges;
        try
        {
            for (var i = firstChunk; i < ranges.Count; i++)
            {
                var range = ranges[i];
                _progress.ChunkStarted(i, range, Rows);
                var query = new DataQuery(_session.Account, _dataMethod, range.FromMilliseconds, range.ToMilliseconds);
                try
                {
                    foreach (var item in _session.Client.ReadOrganisationData(query, builder, _observer, cancellationToken))
                    {
                        Rows++;
                        row(item);
                    }

                    // Completion offers only methods that answered with a whole body.
                    _session.RememberDataMethod(_dataMethod);
                }
                catch (MeetEngageException e) when (_request.Chunked)
                {
                    if (!chunkFailed(e, i, range))
                    {
                        return;
                    }

                    continue;
                }

                chunkDone?.Invoke(i);
            }
        }
        finally
        {
            _progress.Complete();
        }
    }

    public string Summary() => string.Format(CultureInfo.InvariantCulture, "'{0}': {1:N0} rows in all.", _dataMethod, Rows);

    /// <summary>Requests this reading sent, retries included.</summary>
    public long Requests => _session.Client.Counters.Requests - _requestsBefore;
}
