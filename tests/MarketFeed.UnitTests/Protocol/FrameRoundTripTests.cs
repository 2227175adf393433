using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.UnitTests.Protocol;

public sealed class FrameRoundTripTests
{
    private static readonly SymbolInfo Aapl = new("AAPL", 0, "Apple Inc", "USD", 4, 0, 100, 1, 2_285_000);

    [Fact]
    public void Frame_BatchesManyMessages_AndHeaderCountIsPatched()
    {
        using var frame = new FrameBuilder(64);
        for (int i = 1; i <= 70_000; i++)
        {
            var tick = Tick.NewQuote(3, i, 100, 1, 101, 2);
            tick.Sequence = i;
            frame.AddTick(tick);
        }

        var messages = FrameDecoder.Decode(frame.Complete());
        Assert.Equal(70_000, messages.Count);
        Assert.Equal(70_000, ((QuoteMessage)messages[^1]).Sequence);
    }

    [Fact]
    public void Quote_RoundTrips()
    {
        var tick = Tick.NewQuote(7, 1_700_000_000_123_456_789, 2_284_300, 1900, 2_284_500, 3900);
        tick.Sequence = 517;
        var m = Assert.IsType<QuoteMessage>(RoundTrip(f => f.AddTick(tick)));
        Assert.Equal(new QuoteMessage(7, 517, 1_700_000_000_123_456_789, 2_284_300, 1900, 2_284_500, 3900), m);
    }

    [Fact]
    public void Trade_RoundTrips_WithCumulativeFields()
    {
        var tick = Tick.NewTrade(2, 99, 2_284_300, 900, TradeSide.Sell);
        tick.Sequence = 12;
        tick.CumulativeVolume = 58_700;
        tick.TradeCount = 106;
        var m = Assert.IsType<TradeMessage>(RoundTrip(f => f.AddTick(tick)));
        Assert.Equal(new TradeMessage(2, 12, 99, 2_284_300, 900, TradeSide.Sell, 58_700, 106), m);
    }

    [Fact]
    public void Snapshot_RoundTrips()
    {
        var s = new MarketSnapshot
        {
            SymbolId = 1, Sequence = 9, QuoteSequence = 8, QuoteTimestamp = 5, BidPrice = 10, BidSize = 11, AskPrice = 12, AskSize = 13,
            TradeSequence = 9, TradeTimestamp = 6, LastPrice = 14, LastSize = 15, LastSide = TradeSide.Buy, CumulativeVolume = 16, TradeCount = 17,
        };
        var m = Assert.IsType<SnapshotMessage>(RoundTrip(f => f.AddSnapshot(s)));
        Assert.Equal(s, m.State);
    }

    [Fact]
    public void ControlReplies_RoundTrip()
    {
        Assert.Equal(new HeartbeatMessage(42), RoundTrip(f => f.AddHeartbeat(42)));

        var ack = Assert.IsType<SubscribeAckMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteSubscribeAck(ref w, 5, DeliveryMode.Full, 0, [Aapl]))));
        Assert.Equal((5L, DeliveryMode.Full, 0), (ack.RequestId, ack.Mode, ack.Throttle));
        Assert.Equal(new SymbolRef("AAPL", 0, 4, 0), Assert.Single(ack.Symbols));

        Assert.Equal(
            new ErrorMessage(3, 404, "unknown_symbol", "unknown symbol 'X'", "X"),
            RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteError(ref w, 3, ErrorCode.UnknownSymbol, "unknown symbol 'X'", "X"))));
        Assert.Null(Assert.IsType<ErrorMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteError(ref w, 0, ErrorCode.BadRequest, "x", null)))).Symbol);

        Assert.Equal(new PongMessage(4, 100, 200), RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WritePong(ref w, 4, 100, 200))));

        var dir = Assert.IsType<SymbolDirectoryMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteSymbolDirectory(ref w, 6, [Aapl]))));
        Assert.Equal(Aapl, Assert.Single(dir.Symbols));

        var unsub = Assert.IsType<UnsubscribeAckMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteUnsubscribeAck(ref w, 7, ["AAPL"]))));
        Assert.Equal("AAPL", Assert.Single(unsub.Symbols));

        var status = Assert.IsType<StatusMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteStatus(ref w, "welcome", [new("heartbeatMs", 1000), new("server", "MarketFeed")]))));
        Assert.Equal("welcome", status.State);
        Assert.Equal(1000L, status.Details["heartbeatMs"]);

        var start = Assert.IsType<ReplayStartMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteReplayStart(ref w, 8, 2, "ibm", 10, 20, "10x", DeliveryMode.Full, [Aapl]))));
        Assert.Equal((8L, 2L, "ibm", 10L, 20L, "10x"), (start.RequestId, start.ReplayId, start.Dataset, start.From, start.To, start.Speed));

        Assert.Equal(new ReplayEndMessage(8, 2, "completed", 1234), RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteReplayEnd(ref w, 8, 2, "completed", 1234))));
        Assert.Equal(new ReplayStatusMessage(2, "paused", "1x", 15), RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteReplayStatus(ref w, 2, "paused", "1x", 15))));

        var catalog = Assert.IsType<CatalogMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteCatalog(ref w, 9, [new CatalogEntry("ibm", ["IBM"], 1, 2, 3)]))));
        var entry = Assert.Single(catalog.Datasets);
        Assert.Equal(("ibm", "IBM", 1L, 2L, 3L), (entry.Dataset, Assert.Single(entry.Symbols), entry.From, entry.To, entry.TickCount));
    }

    [Fact]
    public void ReplayEndDamage_AndCatalogFlagCounts_RoundTrip()
    {
        var end = Assert.IsType<ReplayEndMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteReplayEnd(
            ref w, 8, 2, "damaged", 1234, [new ReplayDamage("checksum_mismatch", 4096, 512, 100, 200, "block 3: payload CRC32 mismatch")]))));
        Assert.Equal(("damaged", 1234L), (end.Reason, end.TicksSent));
        Assert.Equal(new ReplayDamage("checksum_mismatch", 4096, 512, 100, 200, "block 3: payload CRC32 mismatch"), Assert.Single(end.Damage!));

        var catalog = Assert.IsType<CatalogMessage>(RoundTrip(f => f.Add(0, static (ref w, _) => MessageEncoder.WriteCatalog(
            ref w, 9, [new CatalogEntry("ibm", ["IBM"], 1, 2, 3, CatalogEntry.Intact, 3, null, new Dictionary<string, long> { [CatalogEntry.FlagSuspicious] = 2, [CatalogEntry.FlagSizeUnknown] = 0 })]))));
        var counts = Assert.Single(catalog.Datasets).FlagCounts!;
        Assert.Equal((2L, 0L, 2), (counts[CatalogEntry.FlagSuspicious], counts[CatalogEntry.FlagSizeUnknown], counts.Count));
    }

    [Fact]
    public void Decoder_IgnoresAppendedFieldsAndUnknownKinds()
    {
        using var buffer = new PooledBufferWriter();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(2);
        w.WriteArrayHeader(3);
        w.Write(99);
        w.Write("future");
        w.Write(1);
        w.WriteArrayHeader(3);
        w.Write(6);
        w.Write(123L);
        w.Write("appended");
        w.Flush();
        var messages = FrameDecoder.Decode(buffer.WrittenMemory);
        Assert.Equal(new UnknownMessage(99), messages[0]);
        Assert.Equal(new HeartbeatMessage(123), messages[1]);
    }

    [Fact]
    public void SymbolDirectory_EntryWithoutReferencePrice_DecodesWithZero()
    {
        // A server before the referencePrice field sent 8 fields per entry.
        using var buffer = new PooledBufferWriter();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(1);
        w.WriteArrayHeader(3);
        w.Write((int)MessageKind.SymbolDirectory);
        w.Write(6);
        w.WriteArrayHeader(1);
        w.WriteArrayHeader(8);
        w.Write("AAPL");
        w.Write(0);
        w.Write(4);
        w.Write(0);
        w.Write(100);
        w.Write(1);
        w.Write("USD");
        w.Write("Apple Inc");
        w.Flush();
        var dir = Assert.IsType<SymbolDirectoryMessage>(Assert.Single(FrameDecoder.Decode(buffer.WrittenMemory)));
        Assert.Equal(Aapl with { ReferencePrice = 0 }, Assert.Single(dir.Symbols));
    }

    [Fact]
    public void TryReadTick_DecodesWithoutRecordsForMarketData()
    {
        using var frame = new FrameBuilder();
        var q = Tick.NewQuote(1, 5, 10, 11, 12, 13);
        q.Sequence = 4;
        frame.AddTick(q);
        frame.AddHeartbeat(77);
        var reader = new MessagePackReader(frame.Complete());
        Assert.Equal(2, FrameDecoder.ReadFrameHeader(ref reader));
        Assert.True(FrameDecoder.TryReadTick(ref reader, out Tick got, out _));
        Assert.Equal((1, 4L, 10L, 13L), (got.SymbolId, got.Sequence, got.BidPrice, got.AskSize));
        Assert.False(FrameDecoder.TryReadTick(ref reader, out _, out ServerMessage? other));
        Assert.Equal(new HeartbeatMessage(77), other);
        Assert.True(reader.End);
    }

    private static ServerMessage RoundTrip(Action<FrameBuilder> add)
    {
        using var frame = new FrameBuilder();
        add(frame);
        return Assert.Single(FrameDecoder.Decode(frame.Complete()));
    }
}
