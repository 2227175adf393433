using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>
/// Low-level hooks for load generators and latency probes (<see cref="MarketFeedClientOptions.RawHandler"/>, which needs
/// <see cref="MarketFeedClientOptions.DecodeMarketData"/> = false): the client reads each binary frame once with
/// <see cref="FrameReader"/> and hands every message to the handler in wire order, quotes and trades as
/// <see cref="Tick"/> values without allocating. The client's own requests, acks, heartbeats and reconnects keep working
/// from the same pass; market data bypasses its state cache, its sequence checks and <see cref="MarketFeedClient.ReadAllAsync"/>.
/// </summary>
/// <remarks>
/// <see cref="OnFrame"/>, <see cref="OnTick"/> and <see cref="OnMessage"/> run on the client's receive loop, one frame at a
/// time, never concurrently; the socket is not read while they run, so keep them short and never block (use
/// <see cref="MarketFeedClient.PauseReceiving"/> to stop reading). Exceptions they throw are swallowed. A malformed frame
/// (counted in <see cref="MarketFeedClient.MalformedFrameCount"/>) stops at the fault: the messages before it were handed over.
/// </remarks>
public interface IRawFeedHandler
{
    /// <summary>
    /// The WebSocket handshake of a connection (the first or a reconnect) has completed; the server's welcome has not
    /// arrived yet. Called on the connecting task.
    /// </summary>
    void OnOpened();

    /// <summary>A binary frame arrived; its messages follow (<see cref="OnTick"/>, <see cref="OnMessage"/>).</summary>
    /// <param name="frame">The whole frame (a MessagePack array of messages). Valid only during the call: the buffer is reused.</param>
    /// <param name="receiveTimestamp">When the last byte of the frame was received: ns since the Unix epoch, UTC, from
    /// <see cref="MarketFeedClientOptions.TimeProvider"/> (comparable with tick timestamps for latency).</param>
    void OnFrame(ReadOnlyMemory<byte> frame, long receiveTimestamp);

    /// <summary>A quote or trade of the current frame.</summary>
    /// <param name="tick">The update, read straight from the frame.</param>
    /// <param name="receiveTimestamp">The frame's receive time (as in <see cref="OnFrame"/>).</param>
    void OnTick(in Tick tick, long receiveTimestamp);

    /// <summary>Any other message of the current frame (welcome, acks, snapshots, errors, heartbeats, replay messages, ...), decoded.</summary>
    /// <param name="message">The message; the client handles it after the frame (requests complete, the welcome is read).</param>
    /// <param name="receiveTimestamp">The frame's receive time (as in <see cref="OnFrame"/>).</param>
    void OnMessage(ServerMessage message, long receiveTimestamp);
}
