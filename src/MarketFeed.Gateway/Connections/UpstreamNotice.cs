using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Connections;

/// <summary>
/// A scale-out gateway's upstream state as clients see it: the status it broadcast last
/// (<c>upstream_lost</c>, <c>upstream_failed</c>) while it still holds, so that a client connecting
/// meanwhile gets it right after its welcome (docs/protocol.md section 4.9). Every connection gets
/// each state exactly once: either in the broadcast or after its welcome, never both, never before
/// the welcome.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Broadcast"/> (NATS event or feed thread) and <see cref="Welcome"/>
/// (a connection's start) take one lock; inside it a connection's own queue lock is taken, never
/// the other way round. Called per connection or per upstream event, never per tick.
/// </remarks>
internal sealed class UpstreamNotice
{
    private readonly Lock _lock = new();
    private (string State, KeyValuePair<string, object?>[] Details)? _current;

    /// <summary>
    /// Sends a status to every welcomed connection and records it for connections still to come:
    /// <paramref name="holds"/> true for a state that lasts (lost, failed), false for one that
    /// ends it (restored).
    /// </summary>
    public void Broadcast(IReadOnlyList<Connection> connections, string state, KeyValuePair<string, object?>[] details, bool holds)
    {
        lock (_lock)
        {
            _current = holds ? (state, details) : null;
            foreach (Connection c in connections)
            {
                if (c.IsWelcomed)
                {
                    Send(c, state, details);
                }
            }
        }
    }

    /// <summary>Queues the connection's welcome and, if the upstream is not fine, the status that says so.</summary>
    public void Welcome(Connection connection)
    {
        lock (_lock)
        {
            connection.EnqueueWelcome();
            if (_current is { } current)
            {
                Send(connection, current.State, current.Details);
            }
        }
    }

    private static void Send(Connection c, string state, KeyValuePair<string, object?>[] details) =>
        c.Reply((state, details), static (ref w, s) => MessageEncoder.WriteStatus(ref w, s.state, s.details));
}
