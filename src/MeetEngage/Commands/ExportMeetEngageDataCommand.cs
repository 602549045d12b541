using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using MeetEngage.Api;
using MeetEngage.Export;
using MeetEngage.Session;

namespace MeetEngage.Commands;

[Cmdlet(VerbsData.Export, "MeetEngageData", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ExportSummary))]
public sealed class ExportMeetEngageDataCommand : MeetEngageCmdlet
{
    private DataRequest _request = null!;
    private string _target = null!;
    private ExportFormat _format;
    private string _encoding = ExportEncoding.Default;

    [Parameter(Position = 0)]
    [ValidateApiName(RefuseRenderedObjects = true)]
    [ArgumentCompleter(typeof(DataMethodCompleter))]
    public string DataMethod { get; set; } = DataMethodCompleter.Standard;

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    [Parameter]
    public ExportFormat? Format { get; set; }

    [Parameter]
    [UtcDateTransformation]
    public DateTime? From { get; set; }

    [Parameter]
    [UtcDateTransformation]
    public DateTime? To { get; set; }

    [Parameter]
    [ValidateRange(1, DataRequest.MaxChunkDays)]
    public int ChunkDays { get; set; }

    [Parameter]
    [ValidateNotNull]
    public MeetEngageSession? Session { get; set; }

    [Parameter]
    [ValidateSet("ascii", "bigendianunicode", "bigendianutf32", "unicode", "utf32", "utf8", "utf8BOM", "utf8NoBOM")]
    public string Encoding { get; set; } = ExportEncoding.Default;

    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    [Parameter]
    public SwitchParameter Resume { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _request = DataRequest.Plan(this, From, To, ChunkDays);
        try
        {
            _target = ExportTarget.Resolve(SessionState, Path, NoClobber);
        }
        catch (MeetEngageException e)
        {
            ThrowTerminatingError(ToErrorRecord(e, Path));
        }

        _format = Format ?? ExportTarget.FormatOf(_target);
        _encoding = ExportEncoding.Names.First(name => string.Equals(name, Encoding, StringComparison.OrdinalIgnoreCase));
        if (_format == ExportFormat.JsonLines && !ExportEncoding.IsUtf8(_encoding))
        {
            ThrowTerminatingError(ToErrorRecord(new MeetEngageException(ErrorKind.InvalidArgument, "ExportEncodingNotUtf8", "JSON Lines files are UTF-8: use -Encoding utf8 (the default) or utf8BOM, or -Format Csv for '" + _encoding + "'."), Encoding));
        }
    }

    protected override void ProcessRecordCore()
    {
        var elapsed = Stopwatch.StartNew();
        var session = ResolveSession(Session);
        if (!ShouldProcess(_target, Operation()))
        {
            return;
        }

        var files = new ExportFiles(_target);
        var run = DescribeRun(session);
        var start = StartingPoint(files, run);
        foreach (var removed in files.RemoveAbandoned(keep: start.DataPath))
        {
            WriteVerbose("Removed '" + removed + "', a temporary file of an earlier export of '" + _target + "' that was stopped before it could clean up (a killed process).");
        }

        var request = start.Kept is { ToGiven: false } kept ? _request.WithEnd(kept.ToMilliseconds) : _request;
        run.ToMilliseconds = request.ToMilliseconds;

        var reading = new DataReading(this, session, DataMethod, request, MyInvocation.MyCommand.Name);
        var dataPath = start.DataPath ?? files.NewTempPath(ExportFiles.DataSuffix);
        string? finalPath = null;
        var stateSaved = start.Kept is not null;
        var finished = false;
        IExportWriter? writer = null;
        try
        {
            var encoding = ExportEncoding.Get(_encoding);
            var stream = ExportStreams.OpenData(dataPath, start.Kept?.DataBytes ?? 0);
            var columns = new ColumnSet(start.Kept?.Columns, refuseBeyondBound: _format == ExportFormat.Csv);
            var keptRows = start.Kept?.Rows ?? 0;
            writer = _format == ExportFormat.Csv
                ? new CsvWriter(stream, encoding, columns, keptRows, WriteWarning, start.Kept?.Csv)
                : new JsonLinesWriter(stream, encoding, columns, keptRows);

            reading.Run(
                new FileRows(writer),
                start.FirstChunk,
                static _ => { },
                (e, index, range) => throw DataRequest.ChunkFailure(e, index, request.Ranges.Count, range, ResumeAdvice(index, request.Ranges.Count)),
                index =>
                {
                    if (request.Chunked)
                    {
                        SaveState(run, files, dataPath, writer, index + 1, request.Ranges.Count);
                        stateSaved = true;
                    }
                },
                CancelToken);

            finalPath = files.NewTempPath(ExportFiles.FinishingSuffix);
            var wroteFinal = writer.WriteFinal(finalPath, CancelToken);
            CancelToken.ThrowIfCancellationRequested();
            var rows = writer.Rows;
            var columnCount = writer.Columns.Count;
            writer.Dispose();
            files.MoveIntoPlace(wroteFinal ? finalPath : dataPath);
            finished = true;
            ExportFiles.TryDelete(files.StatePath);
            if (wroteFinal)
            {
                ExportFiles.TryDelete(dataPath);
            }

            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Wrote {0:N0} rows and {1} columns to '{2}'.", rows, columnCount, _target));
            if (PassThru)
            {
                WriteObject(new ExportSummary(_target, _format, rows, columnCount, new FileInfo(_target).Length, reading.Requests, request.Ranges.Count, elapsed.Elapsed));
            }
        }
        catch (MeetEngageException e)
        {
            throw new MeetEngageException(e.Kind, e.ErrorId, e.Message + " " + Untouched(stateSaved), e.InnerException ?? e)
            {
                StatusCode = e.StatusCode,
                RequestUri = e.RequestUri,
                RowsWritten = e.RowsWritten,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var failure = new IOException("Writing the export failed: " + e.Message + " " + Untouched(stateSaved), e);
            WriteError(new ErrorRecord(failure, "MeetEngage.ExportWriteFailed", e is UnauthorizedAccessException ? ErrorCategory.PermissionDenied : ErrorCategory.WriteError, _target));
        }
        finally
        {
            DisposeQuietly(writer);
            if (!finished)
            {
                ExportFiles.TryDelete(finalPath);
                if (!stateSaved)
                {
                    ExportFiles.TryDelete(dataPath);
                }
            }
        }
    }

    internal override object? TargetFor(MeetEngageException exception) => DataMethod;

    /// <summary>
    /// Closes the data file after a failure. Closing flushes, and on a full disk the flush fails
    /// again: that second failure must not replace the first, which was already reported.
    /// </summary>
    private static void DisposeQuietly(IExportWriter? writer)
    {
        try
        {
            writer?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reported already, as the write that failed first.
        }
    }

    /// <summary>What -WhatIf and -Confirm name, e.g. "Export data method 'standard' (2024-06-01 to 2024-07-01, 30-day chunks) as Csv".</summary>
    private string Operation() => string.Format(
        CultureInfo.InvariantCulture,
        "Export data method '{0}' ({1:yyyy-MM-dd} to {2:yyyy-MM-dd}{3}) as {4}{5}",
        DataMethod,
        ApiDates.FromUnixMilliseconds(_request.FromMilliseconds),
        ApiDates.FromUnixMilliseconds(_request.ToMilliseconds),
        _request.Chunked ? string.Format(CultureInfo.InvariantCulture, ", {0}-day chunks", _request.ChunkDays) : string.Empty,
        _format,
        File.Exists(_target) ? ", replacing the file" : string.Empty);

    private ResumeState DescribeRun(MeetEngageSession session) => new()
    {
        DataMethod = DataMethod,
        Account = session.Account,
        BaseUri = session.Client.Options.BaseUri.ToString(),
        FromMilliseconds = _request.FromMilliseconds,
        ToMilliseconds = _request.ToMilliseconds,
        ToGiven = To is not null,
        ChunkDays = ChunkDays,
        Format = _format.ToString(),
        Encoding = _encoding,
        ChunkCount = _request.Ranges.Count,
    };

    /// <summary>Where this run starts: after the kept chunks with -Resume, else from nothing (discarding what an earlier run kept).</summary>
    private (ResumeState? Kept, string? DataPath, int FirstChunk) StartingPoint(ExportFiles files, ResumeState run)
    {
        var kept = ResumeState.TryLoad(files.StatePath);
        var keptData = kept is null ? null : System.IO.Path.Combine(files.Folder, System.IO.Path.GetFileName(kept.DataFile));
        if (kept is null)
        {
            if (Resume)
            {
                WriteVerbose("-Resume: no unfinished export of '" + _target + "' was kept; exporting everything.");
            }

            return (null, null, 0);
        }

        if (!Resume)
        {
            WriteWarning("An unfinished export of '" + _target + "' was kept by an earlier run; it is discarded and everything is exported again. Use -Resume to continue such an export instead.");
            ExportFiles.TryDelete(keptData);
            ExportFiles.TryDelete(files.StatePath);
            return (null, null, 0);
        }

        var differences = kept.Differences(run);
        if (differences.Count > 0)
        {
            throw new MeetEngageException(ErrorKind.InvalidArgument, "ResumeMismatch", "-Resume refused: the unfinished export of '" + _target + "' was made with other parameters: " + string.Join("; ", differences) + ". Run it with the kept parameters, or leave out -Resume to start again. Nothing was requested.");
        }

        if (!File.Exists(keptData) || new FileInfo(keptData).Length < kept.DataBytes)
        {
            WriteWarning("-Resume: the kept data of '" + _target + "' is missing or shorter than recorded; exporting everything.");
            ExportFiles.TryDelete(files.StatePath);
            return (null, null, 0);
        }

        WriteVerbose(string.Format(CultureInfo.InvariantCulture, "-Resume: {0} of {1} chunks ({2:N0} rows) are kept; fetching the rest.", kept.ChunksDone, kept.ChunkCount, kept.Rows));
        return (kept, keptData, kept.ChunksDone);
    }

    private static void SaveState(ResumeState run, ExportFiles files, string dataPath, IExportWriter writer, int chunksDone, int chunkCount)
    {
        run.DataFile = System.IO.Path.GetFileName(dataPath);
        writer.Checkpoint(run);
        run.ChunksDone = chunksDone;
        run.ChunkCount = chunkCount;
        run.Rows = writer.Rows;
        run.Columns = writer.Columns.ToList();
        run.Save(files);
    }

    private static string ResumeAdvice(int failed, int count) => failed == 0
        ? "Nothing was kept; run the same command again."
        : string.Format(CultureInfo.InvariantCulture, "The {0} finished chunk{1} {2} kept beside the target: run the same command with -Resume to fetch only the {3} missing.", failed, failed == 1 ? string.Empty : "s", failed == 1 ? "is" : "are", count - failed);

    private string Untouched(bool kept) => kept
        ? "'" + _target + "' was not changed; the finished chunks are kept for -Resume."
        : "'" + _target + "' was not changed.";
}
