namespace MarketFeed.Client;

/// <summary>What the client does when the application does not drain <see cref="MarketFeedClient.ReadAllAsync"/>
/// and the bounded channel (<see cref="MarketFeedClientOptions.ChannelCapacity"/>) is full.</summary>
public enum MessageOverflowPolicy
{
    /// <summary>
    /// Drop the incoming message, count it, and put one <see cref="MessagesDroppedMessage"/> into the stream
    /// where the drop happened once there is room again. The socket keeps being read, so the server never sees
    /// this client as slow and the state cache stays current. Memory stays bounded.
    /// </summary>
    DropAndReport = 0,

    /// <summary>
    /// Stop reading the socket until the application makes room (back-pressure). Nothing is lost in the client,
    /// but the server will see a slow consumer and close the connection (4001 in full mode, 4002 when a send
    /// stalls), after which the client reconnects. Heartbeat timeouts are suspended while waiting for the application.
    /// </summary>
    Wait = 1,
}
