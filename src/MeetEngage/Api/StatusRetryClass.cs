using System.Net;
using MeetEngage.Throttling;

namespace MeetEngage.Api;

/// <summary>What an HTTP status means for retrying: the HTTP half of the retry decision.</summary>
internal static class StatusRetryClass
{
    public static RetryClass Of(HttpStatusCode status)
    {
        var code = (int)status;
        if (code == 429 || code == 503)
        {
            return RetryClass.Throttled;
        }

        return code == 408 || code >= 500 ? RetryClass.Transient : RetryClass.Permanent;
    }
}
