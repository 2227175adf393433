namespace MarketFeed.Protocol;

/// <summary>Kinds of server-to-client messages (first element of every message array). See docs/protocol.md section 4.</summary>
public enum MessageKind
{
    /// <summary>Top-of-book quote.</summary>
    Quote = 1,

    /// <summary>Trade with cumulative volume and count.</summary>
    Trade = 2,

    /// <summary>Reply to subscribe.</summary>
    SubscribeAck = 3,

    /// <summary>Full latest state of a symbol.</summary>
    Snapshot = 4,

    /// <summary>Error reply.</summary>
    Error = 5,

    /// <summary>Periodic server time.</summary>
    Heartbeat = 6,

    /// <summary>A replay session started.</summary>
    ReplayStart = 7,

    /// <summary>A replay session ended.</summary>
    ReplayEnd = 8,

    /// <summary>Connection status (welcome, lagging, caught_up).</summary>
    Status = 9,

    /// <summary>Reply to ping.</summary>
    Pong = 10,

    /// <summary>Reply to symbols.</summary>
    SymbolDirectory = 11,

    /// <summary>Reply to unsubscribe.</summary>
    UnsubscribeAck = 12,

    /// <summary>Reply to catalog.</summary>
    Catalog = 13,

    /// <summary>Replay state and position.</summary>
    ReplayStatus = 14,

    /// <summary>Reply to bars: OHLCV bars of one symbol and interval.</summary>
    Bars = 15,

    /// <summary>Live bar update: the current state of one bar of a subscribed symbol.</summary>
    BarUpdate = 16,
    /// <summary>Reply to snapshot: the states of a basket of symbols as of one global sequence.</summary>
    Basket = 17,
}
