namespace MarketFeed.Protocol;

/// <summary>WebSocket close codes the server uses (docs/protocol.md section 9).</summary>
public static class CloseCodes
{
    /// <summary>Normal closure.</summary>
    public const int Normal = 1000;

    /// <summary>Server shutting down.</summary>
    public const int GoingAway = 1001;

    /// <summary>Too many bad or rate-limited messages.</summary>
    public const int PolicyViolation = 1008;

    /// <summary>Control message too big.</summary>
    public const int MessageTooBig = 1009;

    /// <summary>Internal server error.</summary>
    public const int InternalError = 1011;

    /// <summary>Slow consumer: full-mode queue overflow.</summary>
    public const int SlowConsumerOverflow = 4001;

    /// <summary>Slow consumer: a send stalled past the timeout.</summary>
    public const int SlowConsumerStalled = 4002;

    /// <summary>The token the connection was authenticated with expired: reconnect with a fresh one.</summary>
    public const int TokenExpired = 4003;

    /// <summary>
    /// No answer (WebSocket pong) to the server's ping within the ping timeout: the peer is gone or
    /// stuck (half-open). The TCP connection is aborted, so the peer rarely sees this code; it is
    /// what the server logs and counts.
    /// </summary>
    public const int PingTimeout = 4004;
}
