using MarketFeed.Core;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Sources;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// A replay that continues live (docs/protocol.md section 6.1), over real Kestrel: the live
/// recording (read while it is written) joins the live stream by sequence with no gap or
/// duplicate; an imported dataset switches cleanly with a snapshot.
/// </summary>
public sealed class ReplayToLiveTests
{
    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task ReplayOfTheLiveRecording_ThenLive_IsOneGapFreeSequencePerSymbol()
    {
        using var dir = new TempDirectory();
        await using var server = await FeedServer.StartAsync(
            "--rate", "5000", "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path, "--Recording:FlushIntervalMs=50",
            "--Replay:DataDirectory=" + dir.Path, "--Replay:ImportSamples=false");
        var runtime = server.Get<FeedRuntime>();
        var engine = runtime.Engine;
        await EngineCondition.WhenAsync(engine, () => engine.GlobalSequence > 10_000, TimeSpan.FromSeconds(30));
        var recorder = server.Get<RecordingService>().Recorder!;
        await recorder.FlushAsync();
        string dataset = Path.GetFileNameWithoutExtension(recorder.CurrentFile!);
        string[] symbols = [.. runtime.Universe.Symbols.Take(8).Select(s => s.Name)];
        var ct = Timeout();

        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: ct);
        await client.ReceiveUntilAsync(m => m is StatusMessage { State: "welcome" }, ct);
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Replay, Id = 7, Dataset = dataset, Symbols = symbols, Speed = double.PositiveInfinity, Mode = DeliveryMode.Full, ContinueLive = true }, ct);

        var names = new Dictionary<int, string>();  // replay ids, then live ids
        var last = new Dictionary<string, long>(); // by name: one sequence across the switch
        var liveAtAck = new Dictionary<string, long>();
        bool ended = false;
        SubscribeAckMessage? ack = null;
        long replayed = 0;
        await client.ReceiveUntilAsync(
            m =>
            {
                switch (m)
                {
                    case ReplayStartMessage start:
                        foreach (SymbolRef s in start.Symbols)
                        {
                            names[s.SymbolId] = s.Symbol;
                        }

                        break;
                    case SnapshotMessage s:
                        Assert.False(ended, "a snapshot after the switch: the join was not by sequence");
                        last[names[s.State.SymbolId]] = s.State.Sequence;
                        break;
                    case ReplayEndMessage end:
                        Assert.Equal("live", end.Reason);
                        ended = true;
                        break;
                    case SubscribeAckMessage a:
                        Assert.True(ended, "the live ack follows the replay end");
                        Assert.Equal(7, a.RequestId);
                        Assert.Equal(symbols.Length, a.Symbols.Count);
                        Assert.NotNull(a.Recovered);
                        Assert.All(a.Recovered, Assert.True);
                        names.Clear();
                        foreach (SymbolRef s in a.Symbols)
                        {
                            names[s.SymbolId] = s.Symbol;
                            engine.States.Read(s.SymbolId, out MarketSnapshot state);
                            liveAtAck[s.Symbol] = state.Sequence;
                        }

                        ack = a;
                        break;
                    case QuoteMessage or TradeMessage:
                        (int id, long seq) = Key(m);
                        Assert.True(ack is not null || !ended, "no tick between the replay end and the live ack");
                        string name = names[id];
                        Assert.Equal(last[name] + 1, seq); // one sequence per symbol: replay, then live
                        last[name] = seq;
                        if (ack is null)
                        {
                            replayed++;
                        }
                        else if (liveAtAck.TryGetValue(name, out long atAck) && seq > atAck + 3)
                        {
                            liveAtAck.Remove(name);
                        }

                        break;
                    case ErrorMessage e:
                        Assert.Fail($"error {e.Code}: {e.Message}");
                        break;
                }

                return ack is not null && liveAtAck.Count == 0;
            },
            ct);
        Assert.True(replayed > 100, $"the replay played the recording ({replayed} ticks)");
    }

    [Fact]
    public async Task ReplayOfAnImportedDataset_ThenLive_SwitchesCleanlyWithASnapshot()
    {
        using var dir = new TempDirectory();
        await using var server = await FeedServer.StartAsync("--rate", "2000", "--Replay:DataDirectory=" + dir.Path);
        var ct = Timeout();
        string[] symbols = ["GOOGL", "AMZN"];
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: ct);
        await client.ReceiveUntilAsync(m => m is StatusMessage { State: "welcome" }, ct);
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Replay, Id = 9, Dataset = "sample-equities", Symbols = symbols, Speed = double.PositiveInfinity, Mode = DeliveryMode.Full, ContinueLive = true }, ct);

        bool ended = false;
        SubscribeAckMessage? ack = null;
        var liveNames = new Dictionary<int, string>();
        var last = new Dictionary<int, long>();
        var liveTicks = new Dictionary<int, int>();
        await client.ReceiveUntilAsync(
            m =>
            {
                switch (m)
                {
                    case ReplayEndMessage end:
                        Assert.Equal("live", end.Reason);
                        ended = true;
                        break;
                    case SubscribeAckMessage a:
                        Assert.True(ended);
                        Assert.Equal(9, a.RequestId);
                        Assert.Equal([false, false], a.Recovered); // another sequence space: never joined by seq
                        foreach (SymbolRef s in a.Symbols)
                        {
                            liveNames[s.SymbolId] = s.Symbol;
                        }

                        ack = a;
                        break;
                    case SnapshotMessage s when ack is not null:
                        Assert.True(liveNames.ContainsKey(s.State.SymbolId), "the switch snapshot carries a live id");
                        last[s.State.SymbolId] = s.State.Sequence;
                        break;
                    case QuoteMessage or TradeMessage when ack is not null:
                        (int id, long seq) = Key(m);
                        Assert.True(last.ContainsKey(id), "a live tick before its symbol's snapshot");
                        Assert.Equal(last[id] + 1, seq);
                        last[id] = seq;
                        liveTicks[id] = liveTicks.GetValueOrDefault(id) + 1;
                        break;
                    case ErrorMessage e:
                        Assert.Fail($"error {e.Code}: {e.Message}");
                        break;
                }

                return last.Count == 2 && liveTicks.Count == 2 && liveTicks.Values.All(n => n >= 3);
            },
            ct);
    }

    [Fact]
    public async Task DotNetClient_ReplayOfTheLiveRecordingThenLive_ReportsRecoveredAndNoGap()
    {
        using var dir = new TempDirectory();
        await using var server = await FeedServer.StartAsync(
            "--rate", "5000", "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path, "--Recording:FlushIntervalMs=50",
            "--Replay:DataDirectory=" + dir.Path, "--Replay:ImportSamples=false");
        var engine = server.Get<FeedRuntime>().Engine;
        await EngineCondition.WhenAsync(engine, () => engine.GlobalSequence > 5_000, TimeSpan.FromSeconds(30));
        var recorder = server.Get<RecordingService>().Recorder!;
        await recorder.FlushAsync();
        string[] symbols = ["AAPL", "MSFT", "NVDA"];
        var ct = Timeout();
        await using var client = new MarketFeed.Client.MarketFeedClient(new MarketFeed.Client.MarketFeedClientOptions
        {
            Uri = server.WebSocketUri,
            OverflowPolicy = MarketFeed.Client.MessageOverflowPolicy.Wait,
        });
        await client.ConnectAsync(ct);
        await client.ReplayAsync(new MarketFeed.Client.ReplayRequest(Path.GetFileNameWithoutExtension(recorder.CurrentFile!)) { Symbols = symbols, Speed = double.PositiveInfinity, ContinueLive = true }, ct);

        MarketFeed.Client.SubscriptionsResumedMessage? resumed = null;
        var liveTicks = new Dictionary<int, int>();
        await foreach (ServerMessage m in client.ReadAllAsync(ct))
        {
            switch (m)
            {
                case MarketFeed.Client.SubscriptionsResumedMessage r:
                    resumed = r;
                    break;
                case MarketFeed.Client.SequenceGapMessage gap:
                    Assert.Fail($"gap reported: {gap}");
                    break;
                case SnapshotMessage when resumed is not null:
                    Assert.Fail("a snapshot after the switch");
                    break;
                case QuoteMessage q when resumed is not null:
                    liveTicks[q.SymbolId] = liveTicks.GetValueOrDefault(q.SymbolId) + 1;
                    break;
            }

            if (liveTicks.Count == symbols.Length && liveTicks.Values.All(n => n >= 5))
            {
                break;
            }
        }

        Assert.NotNull(resumed);
        Assert.Equal(symbols, resumed.Recovered);
        Assert.Empty(resumed.NotRecovered);
        Assert.Equal(0, client.SequenceGapCount);
    }

    [Fact]
    public async Task ReplayWithoutContinueLive_JustEnds()
    {
        using var dir = new TempDirectory();
        await using var server = await FeedServer.StartAsync("--rate", "1000", "--Replay:DataDirectory=" + dir.Path);
        var ct = Timeout(30);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: ct);
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Replay, Id = 3, Dataset = "sample-equities", Speed = double.PositiveInfinity }, ct);
        var end = Assert.IsType<ReplayEndMessage>(await client.ReceiveUntilAsync(m => m is ReplayEndMessage, ct));
        Assert.Equal("completed", end.Reason);
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Ping, Id = 4 }, ct);
        var next = await client.ReceiveUntilAsync(m => m is PongMessage or SubscribeAckMessage, ct);
        Assert.IsType<PongMessage>(next);
    }

    private static (int Id, long Seq) Key(ServerMessage m) => m switch
    {
        QuoteMessage q => (q.SymbolId, q.Sequence),
        TradeMessage t => (t.SymbolId, t.Sequence),
        _ => throw new InvalidOperationException(),
    };
}
