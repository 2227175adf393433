using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>
/// <see cref="MessageKind"/> values of messages the client itself puts into its message stream
/// (never sent by a server; outside the wire range 1..99).
/// </summary>
public static class ClientMessageKinds
{
    /// <summary><see cref="ConnectionStateMessage"/>.</summary>
    public const MessageKind ConnectionState = (MessageKind)1001;

    /// <summary><see cref="SequenceGapMessage"/>.</summary>
    public const MessageKind SequenceGap = (MessageKind)1002;

    /// <summary><see cref="MessagesDroppedMessage"/>.</summary>
    public const MessageKind MessagesDropped = (MessageKind)1003;

    /// <summary><see cref="SubscriptionsResumedMessage"/>.</summary>
    public const MessageKind SubscriptionsResumed = (MessageKind)1004;
}
