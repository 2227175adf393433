using MarketFeed.Core;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Sources;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// With recording on, a full-mode resume reaches back into the tick log on disk when the journal
/// no longer holds what follows the client's seq, and across a clean restart (same epoch).
/// </summary>
public sealed class ResumeFromRecordingTests
{
    private const int Journal = 4096;

    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task FullMode_AwayLongerThanTheJournalHolds_ResumesFromTheRecordingOnDisk()
    {
        using var dir = new TempDirectory();
        await using var server = await FeedServer.StartAsync(
            "--rate", "5000", $"--Feed:JournalCapacity={Journal}", "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path, "--Recording:FlushIntervalMs=50");
        var engine = server.Get<FeedRuntime>().Engine;
        string[] symbols = [.. server.Get<FeedRuntime>().Universe.Symbols.Take(10).Select(s => s.Name)];
        var ct = Timeout();

        var (epoch, last) = await ReadThenCutAsync(server.WebSocketUri, symbols, 500, ct);

        // Away until the journal has been overwritten several times over.
        long cutAt = engine.GlobalSequence;
        await EngineCondition.WhenAsync(engine, () => engine.GlobalSequence > cutAt + (3 * Journal), TimeSpan.FromSeconds(30));
        Assert.True(engine.Journal.OldestPosition > cutAt, "the journal no longer holds the ticks after the cut");

        await ResumeAndCheckAsync(server, epoch, last, symbols, ct);
    }

    [Fact]
    public async Task CleanRestartWithRecording_KeepsEpochAndSequences_ClientResumesFromDisk()
    {
        using var dir = new TempDirectory();
        string[] args = ["--rate", "5000", "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path, "--Recording:FlushIntervalMs=50"];
        var ct = Timeout();
        long epoch;
        Dictionary<int, long> last;
        SequenceState before;
        string[] symbols;
        await using (var first = await FeedServer.StartAsync(args))
        {
            symbols = [.. first.Get<FeedRuntime>().Universe.Symbols.Take(10).Select(s => s.Name)];
            (epoch, last) = await ReadThenCutAsync(first.WebSocketUri, symbols, 500, ct);
            var engine = first.Get<FeedRuntime>().Engine;
            long cutAt = engine.GlobalSequence;
            await EngineCondition.WhenAsync(engine, () => engine.GlobalSequence > cutAt + 2000, TimeSpan.FromSeconds(30));
            await first.StopAsync();
            before = engine.CaptureSequenceState();
        }

        Assert.True(File.Exists(dir.File("live-sequence-state.json")), "a clean shutdown saves the sequence state");
        await using var second = await FeedServer.StartAsync(args);
        Assert.False(File.Exists(dir.File("live-sequence-state.json")), "the start consumes it (a crash of this run means a new epoch)");
        var restored = second.Get<FeedRuntime>().Engine;
        Assert.Equal(epoch, restored.Epoch);
        Assert.Equal(before.Epoch, restored.Epoch);
        Assert.True(restored.GlobalSequence >= before.GlobalSequence, "the global sequence continues");
        for (int id = 0; id < before.Symbols.Length; id++)
        {
            Assert.True(restored.LastSequence(id) >= before.Symbols[id].Sequence, "each symbol's seq continues");
        }

        await ResumeAndCheckAsync(second, epoch, last, symbols, ct);
    }

    /// <summary>Subscribes in full mode, reads <paramref name="updates"/> gap-free ticks, then force-closes the socket.</summary>
    private static async Task<(long Epoch, Dictionary<int, long> Last)> ReadThenCutAsync(Uri uri, string[] symbols, int updates, CancellationToken ct)
    {
        var last = new Dictionary<int, long>();
        await using var client = await RawFeedClient.ConnectAsync(uri, ct: ct);
        long epoch = WelcomeEpoch(await client.ReceiveUntilAsync(_ => true, ct));
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, symbols), ct);
        int seen = 0;
        await client.ReceiveUntilAsync(
            m =>
            {
                switch (m)
                {
                    case SnapshotMessage s:
                        last[s.State.SymbolId] = s.State.Sequence;
                        break;
                    case QuoteMessage or TradeMessage:
                        (int id, long seq) = Key(m);
                        Assert.Equal(last[id] + 1, seq);
                        last[id] = seq;
                        seen++;
                        break;
                }

                return seen >= updates;
            },
            ct);
        client.Socket.Abort();
        return (epoch, last);
    }

    /// <summary>Resumes with the seqs held: every symbol recovered, exactly the next seq each, across disk, journal and live.</summary>
    private static async Task ResumeAndCheckAsync(FeedServer server, long epoch, Dictionary<int, long> last, string[] symbols, CancellationToken ct)
    {
        var runtime = server.Get<FeedRuntime>();
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, ct: ct);
        Assert.Equal(epoch, WelcomeEpoch(await client.ReceiveUntilAsync(_ => true, ct)));
        var resume = new Dictionary<string, long>();
        var liveAtResume = new Dictionary<int, long>();
        foreach (var (id, seq) in last)
        {
            resume[runtime.Universe[id].Name] = seq;
            runtime.Engine.States.Read(id, out MarketSnapshot state);
            liveAtResume[id] = state.Sequence;
        }

        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = 2, Symbols = symbols, Mode = DeliveryMode.Full, Epoch = epoch, Resume = resume }, ct);
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
        Assert.NotNull(ack.Recovered);
        Assert.Equal(symbols.Length, ack.Recovered.Count);
        Assert.All(ack.Recovered, Assert.True);

        // Every symbol continues at exactly its next seq, through what it missed, past where the feed was at the resume.
        var pending = new HashSet<int>(last.Keys);
        await client.ReceiveUntilAsync(
            m =>
            {
                Assert.IsNotType<SnapshotMessage>(m);
                if (m is QuoteMessage or TradeMessage)
                {
                    (int id, long seq) = Key(m);
                    Assert.Equal(last[id] + 1, seq);
                    last[id] = seq;
                    if (seq > liveAtResume[id] + 3)
                    {
                        pending.Remove(id);
                    }
                }

                return pending.Count == 0;
            },
            ct);
        Assert.True(server.Get<RecordingService>().Recorder is not null);
    }

    private static long WelcomeEpoch(ServerMessage? message)
    {
        var welcome = Assert.IsType<StatusMessage>(message);
        Assert.Equal("welcome", welcome.State);
        return Assert.IsType<long>(welcome.Details["epoch"]);
    }

    private static (int Id, long Seq) Key(ServerMessage m) => m switch
    {
        QuoteMessage q => (q.SymbolId, q.Sequence),
        TradeMessage t => (t.SymbolId, t.Sequence),
        _ => throw new InvalidOperationException(),
    };
}
