using System.Threading;

namespace MeetEngage.Api;

/// <summary>Running totals of one client, shown on the session.</summary>
internal sealed class RequestCounters
{
    private long _requests;
    private long _throttleWaits;
    private long _retries;
    private long _otherProcessWaits;

    public long Requests => Interlocked.Read(ref _requests);

    public long ThrottleWaits => Interlocked.Read(ref _throttleWaits);

    public long Retries => Interlocked.Read(ref _retries);

    public long OtherProcessWaits => Interlocked.Read(ref _otherProcessWaits);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public void CountThrottleWait() => Interlocked.Increment(ref _throttleWaits);

    public void CountRetry() => Interlocked.Increment(ref _retries);

    /// <summary>A wait caused by another process using the key; also a throttle wait unless that was counted already.</summary>
    public void CountOtherProcessWait(bool countThrottleWait)
    {
        Interlocked.Increment(ref _otherProcessWaits);
        if (countThrottleWait)
        {
            CountThrottleWait();
        }
    }
}
