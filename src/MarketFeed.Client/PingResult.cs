namespace MarketFeed.Client;

/// <summary>Result of <see cref="MarketFeedClient.PingAsync"/>.</summary>
/// <param name="RoundTripTime">Time from sending the ping to receiving the pong, measured with the client's monotonic clock.</param>
/// <param name="ClientTime">The client clock sent in the ping (ns since the epoch).</param>
/// <param name="ServerTime">The server clock from the pong (ns since the epoch).</param>
public sealed record PingResult(TimeSpan RoundTripTime, long ClientTime, long ServerTime);
