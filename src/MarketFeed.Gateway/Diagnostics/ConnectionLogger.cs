using MarketFeed.Gateway.Auth;

namespace MarketFeed.Gateway.Diagnostics;

/// <summary>
/// The logger of one connection: every entry it writes carries the scope <c>ConnectionId</c>,
/// <c>Identity</c> (key name or token subject, never the credential), <c>Auth</c> (identity class)
/// and <c>Remote</c>, whichever thread writes it (receive loop, sender, watchdog, timers).
/// Structured sinks (JSON console, OpenTelemetry) get them as properties; the simple console shows
/// them with <c>Logging:Console:IncludeScopes=true</c>.
/// </summary>
internal sealed class ConnectionLogger : ILogger
{
    private readonly ILogger _inner;
    private readonly Scope _scope;

    public ConnectionLogger(ILogger inner, string connectionId, ClientIdentity identity, string? remote)
    {
        _inner = inner;
        _scope = new Scope(connectionId, identity.Name, identity.Kind, remote);
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!_inner.IsEnabled(logLevel))
        {
            return;
        }

        using (_inner.BeginScope(_scope))
        {
            _inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }

    /// <summary>The scope's properties (a list of pairs, as structured sinks expect).</summary>
    private sealed class Scope(string connectionId, string identity, string auth, string? remote) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private readonly KeyValuePair<string, object?>[] _items =
        [
            new("ConnectionId", connectionId),
            new("Identity", identity),
            new("Auth", auth),
            new("Remote", remote),
        ];

        public int Count => _items.Length;

        public KeyValuePair<string, object?> this[int index] => _items[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_items).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _items.GetEnumerator();

        public override string ToString() => $"{connectionId} {identity} ({auth}) from {remote}";
    }
}
