using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Sources.TickLog;
using MessagePack;

using MarketFeed.Testing;

namespace MarketFeed.Cli.Tests;

/// <summary><c>replay</c>, <c>record</c> and <c>catalog</c> against a scripted server (FakeReplayServer).</summary>
public sealed class NetworkCommandTests : IDisposable
{
    private const long T0 = 1_381_152_600_000_000_000; // 2013-10-07T13:30:00Z
    private static readonly SymbolInfo Ibm = new("IBM", 3, "IBM", "USD", 4, 0, 100, 1, 1_815_200);
    private static readonly SymbolInfo Btc = new("BTCUSDT", 5, "BTC perp", "USDT", 2, 3, 1, 1, 968_200);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Tick[] ReplayTicks()
    {
        var q = Tick.NewQuote(Ibm.Id, T0, 1_815_000, 100, 1_815_200, 200);
        q.Sequence = 41;
        q.Flags = TickFlags.Suspicious;
        var t = Tick.NewTrade(Ibm.Id, T0 + 1_000_000, 1_815_100, 300, TradeSide.Buy);
        t.Sequence = 42;
        t.CumulativeVolume = 5_300;
        t.TradeCount = 7;
        var b = Tick.NewTrade(Btc.Id, T0 + 2_000_000, 968_219, 1_500, TradeSide.Sell);
        b.Sequence = 9;
        b.CumulativeVolume = 1_500;
        b.TradeCount = 1;
        return [q, t, b];
    }

    private static async Task AnswerReplayAsync(ControlRequest request, Func<Action<FrameBuilder>, Task> send)
    {
        switch (request.Op)
        {
            case ControlRequest.Ops.Replay when request.Dataset == "ibm-20131007":
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteReplayStart(ref w, id, 7, "ibm-20131007", T0, T0 + 2_000_000, "max", DeliveryMode.Full, [Ibm, Btc])));
                await send(b => b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayStatus(ref w, 7, "playing", "max", T0)));
                await send(b =>
                {
                    foreach (var tick in ReplayTicks())
                    {
                        b.AddTick(tick);
                    }
                });
                await send(b => b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayEnd(ref w, 0, 7, "completed", 3)));
                break;
            case ControlRequest.Ops.Replay when request.Dataset == "to-live" && request.ContinueLive:
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteReplayStart(ref w, id, 11, "to-live", T0, T0 + 2_000_000, "max", DeliveryMode.Full, [Ibm with { Id = Ibm.Id + (1 << 20) }])));
                await send(b =>
                {
                    var q = Tick.NewQuote(Ibm.Id + (1 << 20), T0, 1_815_000, 100, 1_815_200, 200);
                    q.Sequence = 41;
                    b.AddTick(q);
                });
                await send(b => b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayEnd(ref w, 0, 11, "live", 1)));
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteSubscribeAck(ref w, id, DeliveryMode.Full, 0, [Ibm], [true])));
                await send(b =>
                {
                    var live = Tick.NewTrade(Ibm.Id, T0 + 5_000_000, 1_815_300, 700, TradeSide.Sell);
                    live.Sequence = 42;
                    b.AddTick(live);
                });
                break;
            case ControlRequest.Ops.Replay when request.Dataset == "empty-window":
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteReplayStart(ref w, id, 9, "empty-window", T0 + 2_000_000, T0, "max", DeliveryMode.Full, [Ibm])));
                await send(b => b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteReplayEnd(ref w, 0, 9, "completed", 0)));
                break;
            case ControlRequest.Ops.Replay when request.Dataset == "torn":
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteReplayStart(ref w, id, 8, "torn", T0, T0 + 2_000_000, "max", DeliveryMode.Full, [Ibm])));
                string reason = request.SkipDamage ? "damage-skipped" : "damaged";
                await send(b => b.Add(reason, static (ref MessagePackWriter w, string r) => MessageEncoder.WriteReplayEnd(
                    ref w, 0, 8, r, 0, [new ReplayDamage("truncated_block", 4_194_304, 1_234, T0 + 1_000_000, 0, "block 31: block extends past the end of the file")])));
                break;
            case ControlRequest.Ops.Replay:
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteError(ref w, id, ErrorCode.UnknownDataset, "unknown dataset", null)));
                break;
            case ControlRequest.Ops.Catalog:
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteCatalog(ref w, id, [
                        new CatalogEntry("ibm-20131007", ["IBM"], T0, T0 + 3_600_000_000_000, 133_360),
                        new CatalogEntry("empty-window", ["IBM"], T0, T0 + 2_000_000, 3),
                        new CatalogEntry("torn", ["IBM"], T0, T0 + 3_600_000_000_000, 133_360, CatalogEntry.Damaged, 131_072, "1 damaged part(s); first: TruncatedBlock at offset 99",
                            new Dictionary<string, long> { [CatalogEntry.FlagSuspicious] = 1_204, [CatalogEntry.FlagSizeUnknown] = 0 })])));
                break;
        }
    }

    [Fact]
    public async Task Replay_ContinueLive_PrintsTheLiveTicksAfterTheReplayUntilCancelled()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);
        string csv = _dir.File("to-live.csv");
        var result = await CliRunner.RunAsync(TimeSpan.FromSeconds(8), "replay", "--url", server.Uri.ToString(), "-d", "to-live", "--speed", "max", "--continue-live", "-o", csv);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr); // ended by the cancellation (Ctrl+C) while live
        Assert.Contains(server.Requests, r => r.Op == ControlRequest.Ops.Replay && r.ContinueLive);
        Assert.Contains("continuing live", result.Stdout + result.Stderr, StringComparison.Ordinal);
        string[] rows = File.ReadAllLines(csv);
        Assert.Contains(rows, l => l.Contains("IBM", StringComparison.Ordinal) && l.Contains(",41,", StringComparison.Ordinal));
        Assert.Contains(rows, l => l.Contains("IBM", StringComparison.Ordinal) && l.Contains(",42,", StringComparison.Ordinal)); // the live tick, by its live id
    }

    [Fact]
    public async Task Replay_EndedAtDamage_Exit3_SkipDamageIsSentToTheServer()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);

        var damaged = await CliRunner.RunAsync("replay", "--url", server.Uri.ToString(), "-d", "torn", "--quiet");
        Assert.True(damaged.ExitCode == 3, damaged.ToString());
        Assert.Contains("replay damaged", damaged.Stdout);
        Assert.Contains("DAMAGE truncated_block at offset 4,194,304 (1,234 bytes), ticks written between 2013-10-07T13:30:00.001", damaged.Stderr);
        Assert.Contains("and the end: block 31: block extends past the end of the file", damaged.Stderr);

        var skipped = await CliRunner.RunAsync("replay", "--url", server.Uri.ToString(), "-d", "torn", "--quiet", "--skip-damage");
        Assert.True(skipped.ExitCode == 3, skipped.ToString());
        Assert.Contains("replay damage-skipped", skipped.Stdout);
    }

    [Theory]
    [InlineData("20131010", "ambiguous")]
    [InlineData("10/11/2013", "ambiguous")]
    [InlineData("1381152600", "ambiguous")]
    [InlineData("yesterday", "not a time")]
    public async Task Replay_AmbiguousOrUnknownTime_IsAUsageError_ShowingWhatIsAccepted(string from, string why)
    {
        var result = await CliRunner.RunAsync("replay", "--url", "ws://127.0.0.1:9/ws/v1", "-d", "ibm-20131007", "--from", from);
        Assert.True(result.ExitCode == 64, result.ToString()); // a parse error is a usage error; no connection is attempted
        string all = result.Stdout + result.Stderr;
        Assert.DoesNotContain("connect", result.Stderr);
        Assert.Contains(why, all);
        Assert.Contains("2013-10-07T13:30:00Z", all);
        Assert.Contains("1381152600000ms", all);
    }

    [Fact]
    public async Task Replay_WindowWithoutData_WarnsWithTheDatasetRange()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);
        var result = await CliRunner.RunAsync("replay", "--url", server.Uri.ToString(), "-d", "empty-window", "--quiet", "--from", "1381152600s", "--to", "2013-10-07T13:31:00Z");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("warning: the window 2013-10-07T13:30:00", result.Stderr);
        Assert.Contains("holds no data", result.Stderr);
        Assert.Contains("dataset empty-window spans " + UnixTime.Format(T0), result.Stderr);
    }

    [Fact]
    public async Task Catalog_ShowsDamagedState()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);
        var result = await CliRunner.RunAsync("catalog", "--url", server.Uri.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("damaged: 131,072 readable", result.Stdout);
        Assert.Contains("DAMAGED torn: 1 damaged part(s); first: TruncatedBlock at offset 99", result.Stdout);
        Assert.Contains("suspicious 1,204, sizeUnknown 0", result.Stdout);
    }

    [Fact]
    public async Task Replay_ToTickLog_SavesTicksWithOriginalTimesSeqsAndScales()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);
        string output = _dir.File("out/replayed.mflog");

        var result = await CliRunner.RunAsync(
            "replay", "--url", server.Uri.ToString(), "--dataset", "ibm-20131007", "--symbols", "IBM,BTCUSDT",
            "--from", "2013-10-07T13:30:00Z", "--to", (T0 + 5_000_000).ToString() + "ns", "--speed", "max", "--output", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("replay completed: 3 ticks received (server sent 3)", result.Stdout);
        Assert.Contains("ticks/s", result.Stdout);

        var request = Assert.Single(server.Requests, r => r.Op == ControlRequest.Ops.Replay);
        Assert.Equal(["IBM", "BTCUSDT"], request.Symbols);
        Assert.Equal(T0, request.From);
        Assert.Equal(T0 + 5_000_000, request.To);
        Assert.True(double.IsPositiveInfinity(request.Speed!.Value));
        Assert.Equal(DeliveryMode.Full, request.Mode);

        using var reader = TickLogReader.Open(output);
        Assert.Equal([new TickLogSymbol("IBM", 4, 0), new TickLogSymbol("BTCUSDT", 2, 3)], reader.Symbols);
        var ticks = reader.ReadAllTicks();
        var expected = ReplayTicks();
        Assert.Equal(3, ticks.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i].Timestamp, ticks[i].Timestamp);
            Assert.Equal(expected[i].Sequence, ticks[i].Sequence);
            Assert.Equal(expected[i].Kind, ticks[i].Kind);
            Assert.Equal(expected[i].Price, ticks[i].Price);
            Assert.Equal(expected[i].Size, ticks[i].Size);
        }

        Assert.Equal([0, 0, 1], ticks.Select(t => t.SymbolId));
        Assert.Equal(5_300, ticks[1].CumulativeVolume);
        Assert.Equal(TradeSide.Sell, ticks[2].Side);
        Assert.Equal([TickFlags.Suspicious, TickFlags.None, TickFlags.None], ticks.Select(t => t.Flags));
    }

    [Fact]
    public async Task Replay_ToCsv_WritesDecimalRows()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);
        string output = _dir.File("replayed.csv");

        var result = await CliRunner.RunAsync("replay", "--url", server.Uri.ToString(), "-d", "ibm-20131007", "--speed", "10x", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(10, Assert.Single(server.Requests, r => r.Op == ControlRequest.Ops.Replay).Speed);
        var lines = File.ReadAllLines(output);
        Assert.Equal("time,ts_ns,symbol,seq,kind,bid,bid_size,ask,ask_size,price,size,side,flags", lines[0]);
        Assert.Equal($"2013-10-07T13:30:00.000000000Z,{T0},IBM,41,Q,181.5000,100,181.5200,200,,,,1", lines[1]);
        Assert.Equal($"2013-10-07T13:30:00.002000000Z,{T0 + 2_000_000},BTCUSDT,9,T,,,,,9682.19,1.500,S,0", lines[3]);

        // The CSV imports again with the mapping docs/replay.md gives (plus the BTC scales).
        string mapping = _dir.File("replayed.mapping.json");
        File.WriteAllText(mapping, """
            {"time": "ts_ns", "timeFormat": "ns", "symbol": "symbol", "kind": "kind", "price": "price", "size": "size", "side": "side",
             "bid": "bid", "bidSize": "bid_size", "ask": "ask", "askSize": "ask_size", "priceDecimals": 4,
             "symbolScales": [{"name": "BTCUSDT", "priceDecimals": 2, "sizeDecimals": 3}]}
            """);
        string log = _dir.File("reimported.mflog");
        var import = await CliRunner.RunAsync("import", "--format", "csv", "--mapping", mapping, "--on-bad-row", "abort", "-o", log, output);
        Assert.True(import.ExitCode == 0, import.ToString());
        using var reader = TickLogReader.Open(log);
        var ticks = reader.ReadAllTicks();
        Assert.Equal(ReplayTicks().Select(t => (t.Timestamp, t.Kind, t.Price, t.Size)), ticks.Select(t => (t.Timestamp, t.Kind, t.Price, t.Size)));
    }

    [Fact]
    public async Task Replay_Printed_UsesTheTailFormat()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);

        var result = await CliRunner.RunAsync("replay", "--url", server.Uri.ToString(), "--dataset", "ibm-20131007");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("IBM        #41        QUOTE", result.Stdout);
        Assert.Contains("[SUSPICIOUS]", result.Stdout.Split('\n').Single(l => l.Contains("#41", StringComparison.Ordinal)));
        Assert.DoesNotContain("[SUSPICIOUS]", result.Stdout.Split('\n').Single(l => l.Contains("#9 ", StringComparison.Ordinal)));
        Assert.Contains("BTCUSDT    #9         TRADE", result.Stdout);
        Assert.Contains("replay 7 ended", result.Stdout);
    }

    [Fact]
    public async Task Replay_UnknownDataset_Exit2()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);

        var result = await CliRunner.RunAsync("replay", "--url", server.Uri.ToString(), "--dataset", "nope", "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown dataset", result.Stderr);
    }

    [Fact]
    public async Task Replay_BadArguments_AreRejectedBeforeConnecting()
    {
        Assert.Equal(64, (await CliRunner.RunAsync("replay", "--dataset", "x", "--speed", "fast")).ExitCode);
        Assert.Equal(64, (await CliRunner.RunAsync("replay", "--dataset", "x", "--from", "yesterday-ish")).ExitCode);
        Assert.Equal(64, (await CliRunner.RunAsync("replay", "--dataset", "x", "--output", "x.txt")).ExitCode);
    }

    [Fact]
    public async Task Replay_Interrupted_SendsStopAndKeepsWhatArrived()
    {
        await using var server = await FakeReplayServer.StartAsync(async (request, send) =>
        {
            if (request.Op == ControlRequest.Ops.Replay)
            {
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) =>
                    MessageEncoder.WriteReplayStart(ref w, id, 9, "ibm-20131007", T0, T0 + 3_600_000_000_000, "1x", DeliveryMode.Full, [Ibm, Btc])));
                await send(b => b.AddTick(ReplayTicks()[0]));
            }
            else if (request.Op == ControlRequest.Ops.ReplayStop)
            {
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteReplayEnd(ref w, id, 9, "stopped", 1)));
            }
        });
        string output = _dir.File("partial.mflog");

        var result = await CliRunner.RunAsync(TimeSpan.FromMilliseconds(2500), "replay", "--url", server.Uri.ToString(), "--dataset", "ibm-20131007", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("replay stopped: 1 ticks received (server sent 1)", result.Stdout);
        Assert.Equal(9, Assert.Single(server.Requests, r => r.Op == ControlRequest.Ops.ReplayStop).ReplayId);
        var summary = TickLogInspector.Inspect(output);
        Assert.True(summary.IsIntact && summary.HasFooterIndex);
        Assert.Equal(1, summary.Ticks);
    }

    [Fact]
    public async Task Catalog_PrintsDatasets()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerReplayAsync);

        var result = await CliRunner.RunAsync("catalog", "--url", server.Uri.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ibm-20131007", result.Stdout);
        Assert.Contains("133,360", result.Stdout);
        Assert.Contains("2013-10-07T13:30:00", result.Stdout);
    }

    [Fact]
    public async Task Record_CountReached_WritesAClosedTickLogWithAckNamesAndScales()
    {
        await using var server = await FakeReplayServer.StartAsync(async (request, send) =>
        {
            if (request.Op != ControlRequest.Ops.Subscribe)
            {
                return;
            }

            await send(b =>
            {
                b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteSubscribeAck(ref w, id, DeliveryMode.Full, 0, [Ibm, Btc]));
                b.AddSnapshot(new MarketSnapshot { SymbolId = Ibm.Id, Sequence = 40 });
                b.AddSnapshot(new MarketSnapshot { SymbolId = Btc.Id, Sequence = 8 });
            });
            await send(b =>
            {
                foreach (var tick in ReplayTicks())
                {
                    b.AddTick(tick);
                }
            });
        });
        string dir = _dir.File("recordings");

        var result = await CliRunner.RunAsync("record", "--url", server.Uri.ToString(), "--output", dir, "--count", "3", "IBM", "BTCUSDT");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(DeliveryMode.Full, Assert.Single(server.Requests).Mode);
        string file = Assert.Single(Directory.GetFiles(dir, "record-*.mflog"));
        var summary = TickLogInspector.Inspect(file);
        Assert.True(summary.IsIntact && summary.HasFooterIndex);
        Assert.Equal(3, summary.Ticks);
        Assert.Equal([new TickLogSymbol("IBM", 4, 0), new TickLogSymbol("BTCUSDT", 2, 3)], summary.Symbols.Select(s => s.Symbol));
        using var reader = TickLogReader.Open(file);
        var ticks = reader.ReadAllTicks();
        Assert.Equal([41L, 42L, 9L], ticks.Select(t => t.Sequence));
        Assert.Equal([T0, T0 + 1_000_000, T0 + 2_000_000], ticks.Select(t => t.Timestamp));
        Assert.All(ticks, t => Assert.NotEqual(0, t.ReceiveTimestamp));
        Assert.Contains("recorded 3 ticks", result.Stdout);
    }

    [Fact]
    public async Task Record_Duration_StopsAndClosesTheLog()
    {
        await using var server = await FakeReplayServer.StartAsync(async (request, send) =>
        {
            if (request.Op == ControlRequest.Ops.Subscribe)
            {
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteSubscribeAck(ref w, id, DeliveryMode.Full, 0, [Ibm])));
            }
        });
        string file = _dir.File("live.mflog");

        var result = await CliRunner.RunAsync("record", "--url", server.Uri.ToString(), "-o", file, "--duration", "300ms", "IBM");

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = TickLogInspector.Inspect(file);
        Assert.True(summary.IsIntact);
        Assert.Equal(0, summary.Ticks);
    }
}
