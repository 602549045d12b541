using System.Threading;

namespace MeetEngage.Api;

/// <summary>Running totals of one client, shown on the session.</summary>
internal sealed class RequestCounters
{
    private long _requests;
    private long _throttleWaits;
    private long _retries;

    public long Requests => Interlocked.Read(ref _requests);

    public long ThrottleWaits => Interlocked.Read(ref _throttleWaits);

    public long Retries => Interlocked.Read(ref _retries);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public void CountThrottleWait() => Interlocked.Increment(ref _throttleWaits);

    public void CountRetry() => Interlocked.Increment(ref _retries);
}
