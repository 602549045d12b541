using System.Collections.Concurrent;
using System.Linq;

namespace MeetEngage.Simulator;

/// <summary>
/// The TCP connections open now, and which of them carried an API request: lets a test see
/// whether the client closes the connections of sessions it no longer needs. Connections that
/// carried only /_sim/ requests (the tests' own) are not counted.
/// </summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<string, bool> _open = new();

    public void Opened(string connectionId) => _open[connectionId] = false;

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    public void CarriedApiRequest(string connectionId)
    {
        if (_open.ContainsKey(connectionId))
        {
            _open[connectionId] = true;
        }
    }

    public int OpenApiConnections => _open.Count(static pair => pair.Value);
}
