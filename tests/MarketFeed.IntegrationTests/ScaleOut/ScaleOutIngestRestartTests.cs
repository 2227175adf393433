using System.Globalization;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>
/// Restarting the ingest of a scaled-out feed with recording on (issue 11 part 4): a clean restart
/// (SIGTERM) keeps the epoch and continues every sequence, so a gateway and its full-mode clients
/// carry on as if the ingest had paused; a crash (SIGKILL) starts a new epoch, which a gateway
/// cannot continue: it tells its clients <c>upstream_failed</c> and exits 3, and once restarted
/// its clients get snapshots (not recovered). Real nats-server, ingest, gateway and .NET client.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed partial class ScaleOutIngestRestartTests
{
    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"];

    [Fact]
    public async Task IngestCleanRestart_WithRecording_SameEpoch_GlobalAndSymbolSequencesContinue_ClientSeesNoGapNoDuplicateNoReconnect()
    {
        using var dir = new TempDirectory();
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000, RecordingArgs(dir.Path));
        var gateway = await cluster.StartGatewayAsync();
        long epoch = (await cluster.Ingest.HealthAsync()).GetProperty("epoch").GetInt64();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions
        {
            Uri = gateway.WebSocketUri,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ChannelCapacity = 1_000_000,
        });
        var gaps = Channel.CreateUnbounded<SequenceGapMessage>();
        client.SequenceGapDetected += (_, gap) => gaps.Writer.TryWrite(gap);
        await client.ConnectAsync(cts.Token);
        await client.SubscribeAsync(Symbols, DeliveryMode.Full, cancellationToken: cts.Token);

        var last = new Dictionary<int, long>();
        int welcomes = 0, updatesBefore = 0, updatesAfter = 0;
        bool restarted = false;
        long savedGlobal = 0;
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            switch (m)
            {
                case StatusMessage { State: "welcome" } welcome:
                    welcomes++;
                    Assert.Equal(epoch, Assert.IsType<long>(welcome.Details["epoch"]));
                    break;
                case StatusMessage status:
                    Assert.Fail($"status {status.State} from the gateway: the ingest's restart must not show ({string.Join(", ", status.Details)})");
                    break;
                case SnapshotMessage s:
                    Assert.False(restarted, "a snapshot after the ingest's restart");
                    last[s.State.SymbolId] = s.State.Sequence;
                    break;
                case QuoteMessage or TradeMessage:
                    var (id, seq) = FeedTape.Key(m);
                    Assert.True(last.TryGetValue(id, out long previous), $"update of {id} before its snapshot");
                    Assert.Equal(previous + 1, seq); // no gap, no duplicate, across the ingest's restart too
                    last[id] = seq;
                    _ = restarted ? updatesAfter++ : updatesBefore++;
                    break;
                case SubscriptionsResumedMessage r:
                    Assert.Fail($"the client reconnected ({r.Recovered.Count} recovered): the gateway must not drop it");
                    break;
            }

            if (!restarted && updatesBefore >= 500)
            {
                restarted = true;
                savedGlobal = await RestartCleanlyAsync(cluster, gateway, epoch);
            }

            if (updatesAfter >= 500)
            {
                break;
            }
        }

        Assert.Equal(1, welcomes);
        Assert.False(gaps.Reader.TryRead(out var gap), $"gap reported: {gap}");
        var health = await gateway.HealthAsync();
        Assert.Equal(epoch, health.GetProperty("epoch").GetInt64());
        var scaleOut = health.GetProperty("scaleOut");
        Assert.Equal("ok", scaleOut.GetProperty("state").GetString());
        Assert.True(scaleOut.GetProperty("globalSequence").GetInt64() > savedGlobal, "the gateway's global sequence went on past the restart");
        var ingest = await cluster.Ingest.HealthAsync();
        Assert.Equal(epoch, ingest.GetProperty("epoch").GetInt64());
        Assert.Equal(0, await cluster.Ingest.MetricAsync("marketfeed_scaleout_dropped_ticks_total"));
    }

    [Fact]
    public async Task IngestCleanRestart_WhileJetStreamDoesNotAcknowledge_WaitsForTheBacklogBeforeSavingState_GatewayContinuesWithoutAHole()
    {
        using var dir = new TempDirectory();
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000, RecordingArgs(dir.Path));
        var gateway = await cluster.StartGatewayAsync();
        long epoch = (await cluster.Ingest.HealthAsync()).GetProperty("epoch").GetInt64();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var tape = await FeedTape.ConnectAsync(gateway.WebSocketUri, cts.Token);
        await tape.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);
        await tape.WaitUntilAsync(t => t.Updates >= 300, Wait, "300 updates before the stall");

        // NATS stops answering (frozen, connections open): the ingest's ticks pile up unacknowledged.
        await cluster.Nats.SignalAsync(freeze: true);
        try
        {
            await WaitForAsync(async () => (await ScaleOutCluster.ScaleOutHealthAsync(cluster.Ingest)).GetProperty("bufferedTicks").GetInt64() >= 200, "200 ticks buffered in the ingest");
            await cluster.Ingest.SignalTerminateAsync();
            await WaitForAsync(() => Task.FromResult(cluster.Ingest.Output.Contains("waiting for JetStream to acknowledge", StringComparison.Ordinal)), "the ingest waiting for its backlog's acknowledgement");
        }
        finally
        {
            await cluster.Nats.SignalAsync(freeze: false);
        }

        Assert.Equal(0, await cluster.Ingest.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        long saved = SavedGlobalSequence(cluster.Ingest.Output, epoch);
        await WaitForAsync(async () => (await ScaleOutCluster.ScaleOutHealthAsync(gateway)).GetProperty("globalSequence").GetInt64() >= saved, "the gateway at the saved global sequence");
        Assert.Equal(saved, (await ScaleOutCluster.ScaleOutHealthAsync(gateway)).GetProperty("globalSequence").GetInt64());
        int before = tape.Updates;

        await cluster.StartIngestAgainAsync();
        Assert.Matches(RestoredLine(), cluster.Ingest.Output);
        await tape.WaitUntilAsync(t => t.Updates >= before + 500, Wait, "500 updates after the restart");
        Assert.Null(tape.FirstGap);
        Assert.False(tape.Closed);
        Assert.DoesNotContain(tape.Messages, m => m is StatusMessage);
        Assert.Equal("ok", (await ScaleOutCluster.ScaleOutHealthAsync(gateway)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task IngestCrash_WithRecording_NewEpoch_GatewaySaysUpstreamFailedAndExits3_RestartedGatewayGivesSnapshotsNotRecovered()
    {
        using var dir = new TempDirectory();
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000, RecordingArgs(dir.Path));
        string url = $"http://127.0.0.1:{NatsServerProcess.FreePort()}";
        var gateway = await cluster.StartGatewayAsync("--urls", url);
        long epoch = (await cluster.Ingest.HealthAsync()).GetProperty("epoch").GetInt64();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions
        {
            Uri = gateway.WebSocketUri,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            ChannelCapacity = 1_000_000,
        });
        var gaps = Channel.CreateUnbounded<SequenceGapMessage>();
        client.SequenceGapDetected += (_, gap) => gaps.Writer.TryWrite(gap);
        await client.ConnectAsync(cts.Token);
        await client.SubscribeAsync(Symbols, DeliveryMode.Full, cancellationToken: cts.Token);

        var last = new Dictionary<int, long>();
        int phase = 0; // 0 before the crash, 1 ingest crashed and restarted, 2 gateway restarted
        int updates = 0;
        long newEpoch = 0;
        var snapshotsAfter = new HashSet<int>();
        SubscriptionsResumedMessage? resumed = null;
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            switch (m)
            {
                case StatusMessage { State: "welcome" } welcome:
                    Assert.Equal(phase == 2 ? newEpoch : epoch, Assert.IsType<long>(welcome.Details["epoch"]));
                    break;
                case StatusMessage { State: "upstream_failed" } failed:
                    Assert.Equal(1, phase);
                    Assert.Contains("epoch changed", (string)failed.Details["reason"]!, StringComparison.Ordinal);
                    Assert.Equal(3, await gateway.WaitForExitAsync(TimeSpan.FromSeconds(30))); // GatewayFeedService.FailedExitCode
                    gateway = await cluster.StartGatewayAsync("--urls", url); // what a supervisor does
                    phase = 2;
                    break;
                case StatusMessage status:
                    Assert.Fail($"unexpected status {status.State}");
                    break;
                case SnapshotMessage s:
                    Assert.NotEqual(1, phase);
                    if (phase == 2)
                    {
                        Assert.NotNull(resumed); // the snapshots of a not-recovered resume follow its report
                        snapshotsAfter.Add(s.State.SymbolId);
                    }

                    last[s.State.SymbolId] = s.State.Sequence;
                    break;
                case QuoteMessage or TradeMessage:
                    var (id, seq) = FeedTape.Key(m);
                    Assert.True(last.TryGetValue(id, out long previous), $"update of {id} before its snapshot");
                    Assert.Equal(previous + 1, seq);
                    last[id] = seq;
                    updates++;
                    break;
                case SubscriptionsResumedMessage r:
                    Assert.Equal(2, phase);
                    resumed = r;
                    break;
            }

            if (phase == 0 && updates >= 300)
            {
                phase = 1;
                string crashed = await cluster.RestartIngestAsync(clean: false);
                Assert.DoesNotContain("Sequence state saved", crashed, StringComparison.Ordinal);
                newEpoch = (await cluster.Ingest.HealthAsync()).GetProperty("epoch").GetInt64();
                Assert.NotEqual(epoch, newEpoch);
                Assert.Contains("no usable sequence state", cluster.Ingest.Output, StringComparison.OrdinalIgnoreCase);
                updates = 0;
            }

            if (phase == 2 && snapshotsAfter.Count == Symbols.Length && updates >= 200)
            {
                break;
            }
        }

        Assert.NotNull(resumed);
        Assert.Empty(resumed.Recovered); // another epoch: nothing can be recovered
        Assert.Equal(Symbols.Order(), resumed.NotRecovered.Order());
        Assert.False(gaps.Reader.TryRead(out var gap), $"gap reported: {gap}");
        Assert.Equal(newEpoch, (await gateway.HealthAsync()).GetProperty("epoch").GetInt64());
    }

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Polls a node's state until <paramref name="condition"/> holds (every 50 ms, bounded at 20 s).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        for (int i = 0; i < 400; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("timed out waiting for " + what);
    }

    private static string[] RecordingArgs(string directory) =>
    [
        "--Recording:Enabled=true", "--Recording:Directory=" + directory, "--Recording:FlushIntervalMs=50",
        "--Logging:LogLevel:MarketFeed=Information",
    ];

    /// <summary>
    /// SIGTERM to the ingest (it must save its sequence state), the gateway holding exactly the saved
    /// global sequence while the ingest is down, then the ingest started again on the same recording:
    /// same epoch, continuing at that global sequence. Returns the saved global sequence.
    /// </summary>
    [Fact]
    public async Task IngestRestart_WhenItsStartupSnapshotIsAlreadyInTheStream_TakesTheDuplicateAsStored()
    {
        // A restarted ingest publishes a snapshot at the global sequence it continues from, with the
        // id "EPOCH:snap:SEQUENCE"; its predecessor's last periodic snapshot may have had exactly that
        // id. JetStream then answers "duplicate": that is stored, not a failure to retry for ever
        // (the ingest never got to listening, 1 run in 4 under load).
        using var dir = new TempDirectory();
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000, RecordingArgs(dir.Path));
        long epoch = (await cluster.Ingest.HealthAsync()).GetProperty("epoch").GetInt64();
        Assert.Equal(0, await cluster.Ingest.TerminateAsync(TimeSpan.FromSeconds(30)));
        long saved = SavedGlobalSequence(cluster.Ingest.Output, epoch);

        // Make sure the stream holds the id the restarted ingest will use (whatever its predecessor did).
        await using (var nats = new NatsConnection(new NatsOpts { Url = cluster.Nats.Url }))
        {
            var js = new NatsJSContext(nats);
            var ack = await js.PublishAsync(cluster.Prefix + ".snap", new byte[] { 0x90 }, opts: new NatsJSPubOpts { MsgId = $"{epoch}:snap:{saved}" });
            Assert.Null(ack.Error);
        }

        await cluster.StartIngestAgainAsync(); // fails (never listening) if the duplicate is retried
        var health = await cluster.Ingest.HealthAsync();
        Assert.Equal(epoch, health.GetProperty("epoch").GetInt64());
        Assert.Equal("ok", health.GetProperty("scaleOut").GetProperty("state").GetString());
    }

    private static async Task<long> RestartCleanlyAsync(ScaleOutCluster cluster, FeedNodeProcess gateway, long epoch)
    {
        string stopped = await cluster.RestartIngestAsync(clean: true, whileDown: async () =>
        {
            // Everything the stopped ingest sequenced reached the stream before it exited:
            // the gateway reaches the saved global sequence with no ingest running.
            long saved = SavedGlobalSequence(cluster.Ingest.Output, epoch);
            long reached = -1;
            for (int i = 0; i < 200 && reached < saved; i++)
            {
                reached = (await ScaleOutCluster.ScaleOutHealthAsync(gateway)).GetProperty("globalSequence").GetInt64();
                if (reached < saved)
                {
                    await Task.Delay(50); // polling the gateway's counter, bounded at 10 s
                }
            }

            Assert.Equal(saved, reached);
        });
        long savedGlobal = SavedGlobalSequence(stopped, epoch);
        Match restored = RestoredLine().Match(cluster.Ingest.Output);
        Assert.True(restored.Success, "the restarted ingest did not restore its sequence state:\n" + cluster.Ingest.Output);
        Assert.Equal(epoch, long.Parse(restored.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(savedGlobal, long.Parse(restored.Groups[2].Value, CultureInfo.InvariantCulture));
        return savedGlobal;
    }

    private static long SavedGlobalSequence(string output, long epoch)
    {
        Match saved = SavedLine().Match(output);
        Assert.True(saved.Success, "the ingest did not save its sequence state at SIGTERM:\n" + output);
        Assert.Equal(epoch, long.Parse(saved.Groups[1].Value, CultureInfo.InvariantCulture));
        return long.Parse(saved.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"Sequence state saved to .*: epoch (\d+), global sequence (\d+)")]
    private static partial Regex SavedLine();

    [GeneratedRegex(@"Sequence state restored from .*: epoch (\d+) continues at global sequence (\d+)")]
    private static partial Regex RestoredLine();
}
