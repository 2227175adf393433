using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests;

/// <summary>
/// Keeps the JS client's fixture frames (src/MarketFeed.Dashboard/test/fixtures/*.bin) equal to what
/// the server's encoder produces, so the node tests decode real server bytes. Run with
/// <c>MARKETFEED_WRITE_FIXTURES=1</c> to regenerate the files after a deliberate protocol change.
/// </summary>
public sealed class JsClientFixtureTests
{
    /// <summary>2025-11-27T00:00:00.123456789Z in ns: above 2^53, so it tests the JS int64 path.</summary>
    internal const long Time = 1_764_201_600_123_456_789;

    private static readonly string FixtureDir =
        Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Dashboard", "test", "fixtures");

    private static readonly SymbolInfo Aapl = new("AAPL", 0, "Apple Inc", "USD", 4, 0, 100, 1, 1_815_200);
    private static readonly SymbolInfo Btc = new("BTCUSDT", 7, "Bitcoin / Tether perpetual", "USDT", 2, 3, 10, 1, 9_500_000);

    public static TheoryData<string> FixtureNames()
    {
        var data = new TheoryData<string>();
        foreach (string name in Frames.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Fixture_MatchesServerEncoder(string name)
    {
        byte[] encoded = Encode(Frames[name]);
        string path = Path.Combine(FixtureDir, name + ".bin");

        if (Environment.GetEnvironmentVariable("MARKETFEED_WRITE_FIXTURES") == "1")
        {
            Directory.CreateDirectory(FixtureDir);
            File.WriteAllBytes(path, encoded);
        }

        Assert.True(File.Exists(path), $"missing fixture {path}; run with MARKETFEED_WRITE_FIXTURES=1");
        Assert.Equal(Convert.ToHexString(File.ReadAllBytes(path)), Convert.ToHexString(encoded));
    }

    private static byte[] Encode(Action<FrameBuilder> build)
    {
        using var frame = new FrameBuilder();
        build(frame);
        return frame.Complete().ToArray();
    }

    private static readonly Dictionary<string, Action<FrameBuilder>> Frames = new()
    {
        ["quote"] = f => f.AddTick(Quote()),
        ["trade"] = f => f.AddTick(Trade()),
        ["subscribe-ack"] = f => f.Add(0, static (ref w, _) =>
            MessageEncoder.WriteSubscribeAck(ref w, 1, DeliveryMode.Conflated, 10, [Aapl, Btc])),
        ["snapshot"] = f => f.AddSnapshot(Snapshot()),
        ["error"] = f => f.Add(0, static (ref w, _) =>
            MessageEncoder.WriteError(ref w, 1, ErrorCode.UnknownSymbol, "unknown symbol ZZZZ", "ZZZZ")),
        ["heartbeat"] = f => f.AddHeartbeat(Time),
        ["replay-start"] = f => f.Add(0, static (ref w, _) =>
            MessageEncoder.WriteReplayStart(ref w, 7, 3, "ibm-20131007", Time, Time + 1_800_000_000_000, "10x", DeliveryMode.Full,
                [Aapl with { Name = "IBM", Id = 1_000_000 }])),
        ["replay-end"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteReplayEnd(ref w, 7, 3, "completed", 123_456)),
        ["status-welcome"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteStatus(ref w, "welcome",
        [
            new("server", "MarketFeed"),
            new("protocol", 1),
            new("connectionId", "c-42"),
            new("heartbeatMs", 1000),
            new("maxSymbolsPerConnection", 500),
            new("maxControlMessageBytes", 65_536),
            new("fullQueueCapacity", 10_000L),
            new("slowConsumerTimeoutMs", 5000),
        ])),
        ["status-lagging"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteStatus(ref w, "lagging",
        [
            new("reason", "queue"),
            new("queueDepth", 6000L),
            new("queueCapacity", 10_000L),
        ])),
        ["pong"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WritePong(ref w, 4, Time, Time + 250_000)),
        ["symbol-directory"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteSymbolDirectory(ref w, 5, [Aapl, Btc])),
        ["unsubscribe-ack"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteUnsubscribeAck(ref w, 3, ["AAPL"])),
        ["catalog"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteCatalog(ref w, 6,
            [new CatalogEntry("ibm-20131007", ["IBM"], Time, Time + 23_400_000_000_000, 1_234_567)])),
        ["replay-status"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteReplayStatus(ref w, 3, "playing", "10x", Time + 900_000_000_000, 12)),
        ["bar-update"] = f => f.Add(0, static (ref w, _) => MessageEncoder.WriteBarUpdate(ref w, 1 << 20, "1m",
            new MarketFeed.Core.Bars.Bar { Start = Time - 123_456_789, Open = 1_815_200, High = 1_816_000, Low = 1_814_900, Close = 1_815_500, Volume = 5_000_000_000, Count = 321, Basis = MarketFeed.Core.Bars.BarBasis.Trades },
            closed: true)),
        ["batch"] = f =>
        {
            f.AddSnapshot(Snapshot());
            f.AddTick(Quote() with { Sequence = 43 });
            f.AddTick(Trade() with { Sequence = 47 });
            f.AddHeartbeat(Time);
        },
    };

    private static Tick Quote()
    {
        var t = Tick.NewQuote(0, Time, 1_815_200, 300, 1_815_300, 500);
        t.Sequence = 42;
        t.Flags = TickFlags.Suspicious | TickFlags.SizeUnknown;
        return t;
    }

    private static Tick Trade()
    {
        var t = Tick.NewTrade(7, Time, 9_512_345, 1_500, TradeSide.Sell);
        t.Sequence = 43;
        t.CumulativeVolume = 5_000_000_000;
        t.TradeCount = 98_765;
        return t;
    }

    private static MarketSnapshot Snapshot() => new()
    {
        SymbolId = 0,
        Sequence = 42,
        QuoteSequence = 42,
        QuoteTimestamp = Time,
        BidPrice = 1_815_200,
        BidSize = 300,
        AskPrice = 1_815_300,
        AskSize = 500,
        TradeSequence = 41,
        TradeTimestamp = Time - 1_000_000,
        LastPrice = 1_815_250,
        LastSize = 100,
        LastSide = TradeSide.Buy,
        CumulativeVolume = 1_234_567,
        TradeCount = 8_910,
    };
}
