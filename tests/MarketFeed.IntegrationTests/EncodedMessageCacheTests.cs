using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.IntegrationTests;

/// <summary>Unit tests of the encode-once cache (one class, no host).</summary>
public sealed class EncodedMessageCacheTests
{
    [Fact]
    public void Hit_CopiesExactlyTheBytesAnotherSenderEncoded()
    {
        var cache = new EncodedMessageCache(4);
        var tick = Tick.NewQuote(2, 123, 100, 5, 101, 6) with { Sequence = 7 };
        using var first = new FrameBuilder();
        var sink = new FrameSink(first, cache, int.MaxValue);
        sink.OnTick(tick); // miss: encodes and publishes

        using var second = new FrameBuilder();
        Assert.True(cache.TryAppend(tick, second));
        Assert.Equal(first.Complete().ToArray(), second.Complete().ToArray());
        Assert.Equal(new QuoteMessage(2, 7, 123, 100, 5, 101, 6), Assert.Single(FrameDecoder.Decode(second.Complete())));
    }

    [Fact]
    public void OtherSequenceOrKind_Misses_AndAMissAddsNothingToTheFrame()
    {
        var cache = new EncodedMessageCache(4);
        using var frame = new FrameBuilder();
        var quote = Tick.NewQuote(1, 1, 100, 5, 101, 6) with { Sequence = 3 };
        new FrameSink(frame, cache, int.MaxValue).OnTick(quote);
        frame.Reset();

        Assert.False(cache.TryAppend(quote with { Sequence = 4 }, frame));
        Assert.False(cache.TryAppend(Tick.NewTrade(1, 1, 100, 1, TradeSide.Buy) with { Sequence = 3 }, frame));
        Assert.False(cache.TryAppend(quote with { SymbolId = 0 }, frame));
        Assert.True(frame.IsEmpty);
        Assert.Empty(FrameDecoder.Decode(frame.Complete()));
    }
}
