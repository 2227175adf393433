using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>Client-side message: the connection state changed.</summary>
/// <param name="State">The new state.</param>
/// <param name="LastDisconnect">How the last connection ended (null until one has ended).</param>
public sealed record ConnectionStateMessage(ConnectionState State, DisconnectInfo? LastDisconnect) : ServerMessage(ClientMessageKinds.ConnectionState);
