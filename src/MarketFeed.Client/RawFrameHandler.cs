namespace MarketFeed.Client;

/// <summary>
/// Receives every binary server frame as it arrives, before the client's own processing (the low-level path
/// for load generators). Decode ticks without allocating with <see cref="MarketFeed.Protocol.FrameReader"/>.
/// </summary>
/// <param name="frame">The whole frame (a MessagePack array of messages). Valid only during the call: the buffer is reused.</param>
/// <param name="receiveTimestamp">When the last byte of the frame was received: ns since the Unix epoch, UTC,
/// from <see cref="MarketFeedClientOptions.TimeProvider"/> (comparable with tick timestamps for latency).</param>
/// <remarks>Called on the client's receive loop, one frame at a time, never concurrently. Keep it short: the
/// socket is not read while it runs. Exceptions are swallowed.</remarks>
public delegate void RawFrameHandler(ReadOnlyMemory<byte> frame, long receiveTimestamp);
