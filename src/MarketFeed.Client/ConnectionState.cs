namespace MarketFeed.Client;

/// <summary>Lifecycle of a <see cref="MarketFeedClient"/>.</summary>
public enum ConnectionState
{
    /// <summary>Created, <see cref="MarketFeedClient.ConnectAsync"/> not called yet (or the first connect failed).</summary>
    Disconnected = 0,

    /// <summary>First connection attempt in progress.</summary>
    Connecting = 1,

    /// <summary>WebSocket open and the server's welcome received.</summary>
    Connected = 2,

    /// <summary>The connection was lost; reconnecting with backoff.</summary>
    Reconnecting = 3,

    /// <summary>Closed for good: closed by the application, reconnect disabled or given up, or a non-retryable close code.</summary>
    Closed = 4,
}
