using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Sending;

/// <summary>
/// Encodes drained updates into a <see cref="FrameBuilder"/>, reusing bytes from the
/// <see cref="EncodedMessageCache"/> when another connection already encoded the same message.
/// </summary>
/// <remarks>A struct so <see cref="Subscriber.Drain{TSink}"/> is specialised for it: no boxing, no allocation.</remarks>
public readonly struct FrameSink(FrameBuilder frame, EncodedMessageCache? cache, int maxFrameBytes, int symbolIdOffset = 0) : IUpdateSink
{
    /// <inheritdoc />
    public bool HasRoom => frame.Length < maxFrameBytes;

    /// <inheritdoc />
    public void OnSnapshot(in MarketSnapshot snapshot)
    {
        if (symbolIdOffset == 0)
        {
            frame.AddSnapshot(snapshot);
            return;
        }

        MarketSnapshot shifted = snapshot;
        shifted.SymbolId += symbolIdOffset;
        frame.AddSnapshot(shifted);
    }

    /// <inheritdoc />
    public void OnTick(in Tick tick)
    {
        if (symbolIdOffset != 0)
        {
            Tick shifted = tick;
            shifted.SymbolId += symbolIdOffset;
            frame.AddTick(shifted);
            return;
        }

        if (cache is null)
        {
            frame.AddTick(tick);
            return;
        }

        if (cache.TryAppend(tick, frame))
        {
            return;
        }

        int start = frame.Length;
        frame.AddTick(tick);
        cache.Publish(tick, frame.WrittenSince(start));
    }
}
