using System;
using MeetEngage.Json;

namespace MeetEngage.Api;

/// <summary>What the client tells its caller while it works; called on the caller's thread.</summary>
internal interface IClientObserver : IOutputObserver
{
    void Verbose(string message);

    void Debug(string message);

    /// <summary>The client is about to wait (throttling or backoff) for this long.</summary>
    void Waiting(TimeSpan delay, string reason);

    /// <summary>A body is being read: rows and bytes so far (called every few thousand rows).</summary>
    void Reading(long rows, long bytes);
}
