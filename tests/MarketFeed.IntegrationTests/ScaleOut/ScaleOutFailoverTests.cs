using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>
/// History and failover across scale-out nodes (issue 11 parts 3 and 4): a late gateway's
/// snapshots, a gateway killed mid-stream, a nats-server restart. Real processes on loopback.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutFailoverTests
{
    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "SNOW", "SQ"];
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task LateSubscriber_OnAGatewayStartedLateWithNoPriorInterest_GetsTheSourcesStateAtTheSnapshotSeq()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000);
        var early = await cluster.StartGatewayAsync();
        using var cts = new CancellationTokenSource(Wait);
        await using var reference = await FeedTape.ConnectAsync(early.WebSocketUri, cts.Token);
        await reference.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);
        await reference.WaitUntilAsync(t => t.Updates >= 2000 && t.LastSequences.Count == Symbols.Length && t.LastSequences.Values.All(v => v > 0), Wait, "2000 reference updates and a tick of every symbol");

        // A gateway that starts now seeds from the ingest's JetStream snapshot and catches up from the stream.
        var late = await cluster.StartGatewayAsync();
        await using var subscriber = await FeedTape.ConnectAsync(late.WebSocketUri, cts.Token);
        await subscriber.SubscribeAsync(DeliveryMode.Conflated, Symbols, cts.Token);
        await subscriber.WaitUntilAsync(t => t.Messages.OfType<SnapshotMessage>().Count() == Symbols.Length, Wait, "a snapshot per symbol");
        var snapshots = subscriber.Messages.OfType<SnapshotMessage>().Select(s => s.State).ToList();

        // The reference (full mode since before the late gateway existed) must reach each snapshot's seq.
        await reference.WaitUntilAsync(t => snapshots.All(s => t.LastSequences.GetValueOrDefault(s.SymbolId) >= s.Sequence), Wait, "the reference at every snapshot's seq");
        Assert.Null(reference.FirstGap);
        foreach (MarketSnapshot snapshot in snapshots)
        {
            Assert.True(snapshot.Sequence > 0, $"symbol {snapshot.SymbolId} has state");
            MarketSnapshot expected = StateAt(reference.Messages, snapshot.SymbolId, snapshot.Sequence);
            Assert.Equal(expected.Sequence, snapshot.Sequence);
            Assert.Equal((expected.QuoteSequence, expected.BidPrice, expected.BidSize, expected.AskPrice, expected.AskSize), (snapshot.QuoteSequence, snapshot.BidPrice, snapshot.BidSize, snapshot.AskPrice, snapshot.AskSize));
            Assert.Equal((expected.TradeSequence, expected.LastPrice, expected.LastSize, expected.CumulativeVolume, expected.TradeCount), (snapshot.TradeSequence, snapshot.LastPrice, snapshot.LastSize, snapshot.CumulativeVolume, snapshot.TradeCount));
        }
    }

    [Fact]
    public async Task GatewayKilledMidStream_ClientsResumeOnTheOther_FullWithoutGapOrDuplicate_ConflatedWithExactVolume()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000);
        var doomed = await cluster.StartGatewayAsync();
        var survivor = await cluster.StartGatewayAsync();
        using var cts = new CancellationTokenSource(Wait);
        await using var reference = await FeedTape.ConnectAsync(survivor.WebSocketUri, cts.Token);
        await reference.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);
        await using var full = await FeedTape.ConnectAsync(doomed.WebSocketUri, cts.Token);
        await full.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);
        await using var conflated = await FeedTape.ConnectAsync(doomed.WebSocketUri, cts.Token);
        await conflated.SubscribeAsync(DeliveryMode.Conflated, Symbols, cts.Token);
        await full.WaitUntilAsync(t => t.Updates >= 500, Wait, "500 full-mode updates before the kill");
        await conflated.WaitUntilAsync(t => t.LastSequences.Count == Symbols.Length, Wait, "conflated state of every symbol");

        await doomed.KillAsync();
        await full.WaitUntilAsync(t => t.Closed, Wait, "the killed gateway's connection to end");
        Assert.Null(full.FirstGap);
        var fullLast = Names(full, full.LastSequences);
        var conflatedLast = Names(conflated, conflated.LastSequences);
        Assert.Equal(full.Epoch, reference.Epoch); // one epoch on every gateway

        // Resume on the surviving gateway with what each client holds.
        await using var fullAgain = await FeedTape.ConnectAsync(survivor.WebSocketUri, cts.Token);
        await fullAgain.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token, fullLast, full.Epoch);
        await using var conflatedAgain = await FeedTape.ConnectAsync(survivor.WebSocketUri, cts.Token);
        await conflatedAgain.SubscribeAsync(DeliveryMode.Conflated, Symbols, cts.Token, conflatedLast, conflated.Epoch);
        foreach (var tape in new[] { fullAgain, conflatedAgain })
        {
            await tape.WaitUntilAsync(t => t.Messages.OfType<SubscribeAckMessage>().Any(), Wait, "the ack");
            var ack = tape.Messages.OfType<SubscribeAckMessage>().Single();
            Assert.NotNull(ack.Recovered);
            Assert.All(ack.Recovered!, Assert.True);
            Assert.Empty(tape.Messages.OfType<SnapshotMessage>());
        }

        // Full mode: each symbol continues at exactly last + 1, then without a gap.
        await fullAgain.WaitUntilAsync(t => t.Updates >= 500, Wait, "500 updates after the resume");
        Assert.Null(fullAgain.FirstGap);
        var ids = fullAgain.Messages.OfType<SubscribeAckMessage>().Single().Symbols.ToDictionary(s => s.SymbolId, s => s.Symbol);
        foreach (var group in fullAgain.Messages.Where(m => m is QuoteMessage or TradeMessage).GroupBy(m => FeedTape.Key(m).Id))
        {
            Assert.Equal(fullLast[ids[group.Key]] + 1, FeedTape.Key(group.First()).Seq);
        }

        // Conflated: stop the source; the resumed client converges to the source's last state, volume exact.
        await cluster.Ingest.KillAsync();
        await reference.WaitUntilAsync(t => t.Updates > 0, Wait, "reference updates");
        long settled = -1;
        for (int i = 0; i < 300; i++)
        {
            long g = (await ScaleOutCluster.ScaleOutHealthAsync(survivor)).GetProperty("globalSequence").GetInt64();
            if (g == settled)
            {
                break;
            }

            settled = g;
            await Task.Delay(100, cts.Token); // polling the gateway's counter until the stream is drained
        }

        await conflatedAgain.WaitUntilAsync(t => SameLast(Overlay(conflated.LastSequences, t.LastSequences), reference.LastSequences), Wait, "the conflated client at the source's last seq");
        Assert.Null(reference.FirstGap);
        int traded = 0;
        foreach (int id in ids.Keys)
        {
            var expected = LastTrade(id, reference);
            traded += expected.Sequence > 0 ? 1 : 0;
            Assert.Equal(expected, LastTrade(id, conflated, conflatedAgain));
        }

        Assert.True(traded >= 3, $"{traded} of the symbols traded");
    }

    [Fact]
    public async Task NatsServerRestart_GatewayReconnectsAndCatchesUp_ClientsContinueWithoutGap_StatusAndHealthSayIt_AlsoToAClientConnectingMeanwhile()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000);
        var gateway = await cluster.StartGatewayAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var tape = await FeedTape.ConnectAsync(gateway.WebSocketUri, cts.Token);
        await tape.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);
        await tape.WaitUntilAsync(t => t.Updates >= 300, Wait, "300 updates before the restart");

        await cluster.Nats.KillAsync();
        await tape.WaitUntilAsync(t => t.Messages.OfType<StatusMessage>().Any(s => s.State == "upstream_lost"), Wait, "status upstream_lost");
        var health = await gateway.HealthAsync();
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Equal("upstream_lost", health.GetProperty("scaleOut").GetProperty("state").GetString());
        int before = tape.Updates;

        // A client that connects while NATS is gone learns it right after its welcome.
        await using var late = await FeedTape.ConnectAsync(gateway.WebSocketUri, cts.Token);
        await late.WaitUntilAsync(t => t.Messages.Count > 0, Wait, "a message after the welcome");
        var told = Assert.IsType<StatusMessage>(late.Messages[0]);
        Assert.Equal("upstream_lost", told.State);
        Assert.Equal("nats_disconnected", told.Details["reason"]);
        await late.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);

        await cluster.Nats.StartAgainAsync();
        await tape.WaitUntilAsync(t => t.Messages.OfType<StatusMessage>().Any(s => s.State == "upstream_restored"), Wait, "status upstream_restored");
        await late.WaitUntilAsync(t => t.Messages.OfType<StatusMessage>().Any(s => s.State == "upstream_restored") && t.Updates >= 300, Wait, "upstream_restored and 300 updates on the late client");
        Assert.Single(late.Messages.OfType<StatusMessage>(), s => s.State == "upstream_lost");
        Assert.Null(late.FirstGap);
        await tape.WaitUntilAsync(t => t.Updates >= before + 1000, Wait, "1000 updates after the restart");
        Assert.Null(tape.FirstGap);
        Assert.False(tape.Closed);
        health = await gateway.HealthAsync();
        Assert.Equal("ok", health.GetProperty("scaleOut").GetProperty("state").GetString());
        Assert.True(health.GetProperty("scaleOut").GetProperty("natsDisconnects").GetInt64() >= 1);
        Assert.True(await gateway.MetricAsync("marketfeed_scaleout_nats_disconnects_total") >= 1);
        Assert.Equal(1, await gateway.MetricAsync("marketfeed_scaleout_nats_connected"));
        Assert.Equal(0, await cluster.Ingest.MetricAsync("marketfeed_scaleout_dropped_ticks_total"));
    }

    private static MarketSnapshot StateAt(List<ServerMessage> messages, int symbolId, long seq)
    {
        var state = default(MarketSnapshot);
        foreach (ServerMessage m in messages)
        {
            switch (m)
            {
                case SnapshotMessage s when s.State.SymbolId == symbolId:
                    state = s.State;
                    break;
                case QuoteMessage q when q.SymbolId == symbolId && q.Sequence <= seq:
                    state.Apply(Tick.NewQuote(q.SymbolId, q.Timestamp, q.BidPrice, q.BidSize, q.AskPrice, q.AskSize) with { Sequence = q.Sequence });
                    break;
                case TradeMessage t when t.SymbolId == symbolId && t.Sequence <= seq:
                    state.Apply(Tick.NewTrade(t.SymbolId, t.Timestamp, t.Price, t.Size, t.Side) with { Sequence = t.Sequence, CumulativeVolume = t.CumulativeVolume, TradeCount = t.TradeCount });
                    break;
            }
        }

        return state;
    }

    /// <summary>The newest trade state (seq, cumulative volume, trade count) a client holds from snapshots and trades.</summary>
    private static (long Sequence, long CumulativeVolume, long TradeCount) LastTrade(int symbolId, params FeedTape[] tapes)
    {
        (long Sequence, long CumulativeVolume, long TradeCount) best = default;
        foreach (var tape in tapes)
        {
            foreach (ServerMessage m in tape.Messages)
            {
                var candidate = m switch
                {
                    SnapshotMessage s when s.State.SymbolId == symbolId => (s.State.TradeSequence, s.State.CumulativeVolume, s.State.TradeCount),
                    TradeMessage t when t.SymbolId == symbolId => (t.Sequence, t.CumulativeVolume, t.TradeCount),
                    _ => default,
                };
                if (candidate.Item1 > best.Sequence)
                {
                    best = candidate;
                }
            }
        }

        return best;
    }

    private static Dictionary<string, long> Names(FeedTape tape, Dictionary<int, long> bySymbolId)
    {
        var ack = tape.Messages.OfType<SubscribeAckMessage>().First();
        return ack.Symbols.Where(s => bySymbolId.ContainsKey(s.SymbolId)).ToDictionary(s => s.Symbol, s => bySymbolId[s.SymbolId]);
    }

    private static bool SameLast(Dictionary<int, long> la, Dictionary<int, long> lb) =>
        lb.Count > 0 && lb.All(kv => la.TryGetValue(kv.Key, out long v) && v == kv.Value);

    private static Dictionary<int, long> Overlay(Dictionary<int, long> before, Dictionary<int, long> after)
    {
        var result = new Dictionary<int, long>(before);
        foreach (var (id, seq) in after)
        {
            result[id] = Math.Max(seq, result.GetValueOrDefault(id));
        }

        return result;
    }
}
