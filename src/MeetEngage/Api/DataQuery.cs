namespace MeetEngage.Api;

/// <summary>One organisation_data request's parameters, dates already in API milliseconds.</summary>
internal readonly record struct DataQuery(string Account, string DataMethod, long FromMilliseconds, long ToMilliseconds);
