using System;
using System.Management.Automation;
using System.Threading;
using MeetEngage.Api;
using MeetEngage.Session;

namespace MeetEngage.Commands;

/// <summary>
/// The shared base of every MeetEngage cmdlet: owns the cancellation that Ctrl+C (StopProcessing)
/// triggers, resolves the session, and turns internal failures into ErrorRecords with stable ids
/// and real categories. Cmdlets implement <see cref="ProcessRecordCore"/>.
/// </summary>
public abstract class MeetEngageCmdlet : PSCmdlet, IDisposable
{
    private const string ErrorIdPrefix = "MeetEngage.";

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Cancelled when the pipeline is stopped.</summary>
    protected CancellationToken CancelToken => _stopping.Token;

    public void Dispose()
    {
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    protected abstract void ProcessRecordCore();

    protected override void ProcessRecord()
    {
        try
        {
            ProcessRecordCore();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The pipeline is stopping; PowerShell reports that itself.
        }
        catch (MeetEngageException e)
        {
            var record = ToErrorRecord(e, TargetFor(e));
            if (IsTerminating(e))
            {
                ThrowTerminatingError(record);
            }

            WriteError(record);
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>The explicit session, else the runspace's current one, else MeetEngage.NotConnected.</summary>
    internal static MeetEngageSession ResolveSession(MeetEngageSession? session)
    {
        var resolved = session ?? SessionStore.Current;
        if (resolved is null)
        {
            throw new MeetEngageException(ErrorKind.NotConnected, "NotConnected", "There is no MeetEngage session in this runspace. Run Connect-MeetEngage first, or pass one with -Session.");
        }

        if (!resolved.IsOpen)
        {
            throw new MeetEngageException(ErrorKind.NotConnected, "SessionClosed", "The MeetEngage session for '" + resolved.Account + "' was disconnected. Run Connect-MeetEngage again.");
        }

        return resolved;
    }

    /// <summary>
    /// The object an error is about: by default the request's URL (it never carries credentials);
    /// a cmdlet whose own input names the failing thing better (an account, a date range) overrides this.
    /// </summary>
    internal virtual object? TargetFor(MeetEngageException exception) => exception.RequestUri;

    /// <summary>
    /// Failures that no further input could avoid (no session, a refused key) stop the command;
    /// the rest are about one input and let the pipeline go on.
    /// </summary>
    internal virtual bool IsTerminating(MeetEngageException exception) =>
        exception.Kind is ErrorKind.NotConnected or ErrorKind.Authentication or ErrorKind.PermissionDenied or ErrorKind.Security;

    internal static ErrorRecord ToErrorRecord(MeetEngageException e, object? target)
    {
        var record = new ErrorRecord(e, ErrorIdPrefix + e.ErrorId, CategoryOf(e.Kind), target);
        var advice = e.Kind switch
        {
            ErrorKind.NotConnected => "Run Connect-MeetEngage, or pass -Session.",
            ErrorKind.Authentication => "Check the API key and secret in -Credential.",
            ErrorKind.LimitsExceeded => "Wait a little and run the command again; raise -MaximumRetryCount on Connect-MeetEngage to wait longer.",
            _ => null,
        };
        if (advice is not null)
        {
            record.ErrorDetails = new ErrorDetails(e.Message) { RecommendedAction = advice };
        }

        return record;
    }

    internal static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
    {
        ErrorKind.NotConnected => ErrorCategory.ConnectionError,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.Authentication => ErrorCategory.AuthenticationError,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.Connection => ErrorCategory.ConnectionError,
        ErrorKind.Timeout => ErrorCategory.OperationTimeout,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.Truncated => ErrorCategory.InvalidData,
        ErrorKind.Security => ErrorCategory.SecurityError,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>Routes the client's messages to this cmdlet's streams.</summary>
    internal class StreamObserver : IClientObserver
    {
        public StreamObserver(MeetEngageCmdlet cmdlet)
        {
            Cmdlet = cmdlet;
        }

        protected MeetEngageCmdlet Cmdlet { get; }

        public virtual void Verbose(string message) => Cmdlet.WriteVerbose(message);

        public virtual void Debug(string message) => Cmdlet.WriteDebug(message);

        public virtual void Waiting(TimeSpan delay, string reason)
        {
        }

        public virtual void Reading(long rows, long bytes)
        {
        }

        public virtual void OnMetadata(string name, object? value) =>
            Cmdlet.WriteVerbose("The response also carried '" + name + "'.");

        public virtual void OnAnomaly(string message) => Cmdlet.WriteWarning(message);
    }
}
