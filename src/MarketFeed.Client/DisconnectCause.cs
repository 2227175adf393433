namespace MarketFeed.Client;

/// <summary>Why a connection ended.</summary>
public enum DisconnectCause
{
    /// <summary>The server sent a close frame; see <see cref="DisconnectInfo.CloseCode"/>.</summary>
    ServerClosed = 0,

    /// <summary>Nothing arrived for <see cref="MarketFeedClientOptions.HeartbeatTimeoutMultiplier"/> heartbeat intervals.</summary>
    HeartbeatTimeout = 1,

    /// <summary>The transport failed (reset, refused, aborted) without a close frame.</summary>
    ConnectionLost = 2,

    /// <summary>The application closed or disposed the client.</summary>
    ClientClosed = 3,
}
