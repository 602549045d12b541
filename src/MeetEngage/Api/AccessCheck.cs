using System;

namespace MeetEngage.Api;

/// <summary>The outcome of a call to the API root; Test-MeetEngageAccess -Detailed shows it with the account.</summary>
/// <param name="Message">The API's own message when it refused the key pair.</param>
internal sealed record AccessCheck(bool Authenticated, int StatusCode, TimeSpan Latency, string? Message);
