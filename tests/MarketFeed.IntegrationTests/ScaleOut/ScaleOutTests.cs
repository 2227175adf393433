using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>
/// Scale-out over NATS end to end (issue 11): nats-server, an ingest and gateways as separate real
/// processes on loopback; real WebSocket clients on the gateways.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutTests
{
    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"];
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TwoGateways_DeliverTheIngestsTicks_WithIdenticalSeqGlobalSequenceAndEpoch()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000);
        var gw1 = await cluster.StartGatewayAsync();
        var gw2 = await cluster.StartGatewayAsync();
        using var cts = new CancellationTokenSource(Wait);
        long ingestEpoch = (await cluster.Ingest.HealthAsync()).GetProperty("epoch").GetInt64();

        await using var atIngest = await FeedTape.ConnectAsync(cluster.Ingest.WebSocketUri, cts.Token);
        await using var at1 = await FeedTape.ConnectAsync(gw1.WebSocketUri, cts.Token);
        await using var at2 = await FeedTape.ConnectAsync(gw2.WebSocketUri, cts.Token);
        Assert.Equal(ingestEpoch, at1.Epoch);
        Assert.Equal(ingestEpoch, at2.Epoch);
        foreach (var tape in new[] { atIngest, at1, at2 })
        {
            await tape.SubscribeAsync(DeliveryMode.Full, Symbols, cts.Token);
        }

        foreach (var tape in new[] { atIngest, at1, at2 })
        {
            await tape.WaitUntilAsync(t => t.Updates >= 300, Wait, "300 full-mode updates");
        }

        // Stop the source: the gateways drain the stream to its end and must agree on everything.
        await cluster.Ingest.KillAsync();
        long g1 = 0, g2 = 0;
        for (int i = 0; i < 300; i++)
        {
            g1 = (await ScaleOutCluster.ScaleOutHealthAsync(gw1)).GetProperty("globalSequence").GetInt64();
            g2 = (await ScaleOutCluster.ScaleOutHealthAsync(gw2)).GetProperty("globalSequence").GetInt64();
            if (g1 == g2 && (await gw1.HealthAsync()).GetProperty("globalSequence").GetInt64() == g1)
            {
                break;
            }

            await Task.Delay(50, cts.Token); // polling the gateways' counters until both drained the stream
        }

        Assert.Equal(g1, g2);
        Assert.True(g1 > 0);
        Assert.Equal(g1, (await gw2.HealthAsync()).GetProperty("globalSequence").GetInt64());
        Dictionary<int, long> final1 = [], final2 = [];
        await at1.WaitUntilAsync(t => t.LastSequences.Count == Symbols.Length, Wait, "all symbols");
        await at2.WaitUntilAsync(t => t.LastSequences.Count == Symbols.Length, Wait, "all symbols");

        // Both gateways end on the same seq per symbol (the ingest's last published), and every tick
        // that both delivered is the same tick; the ingest's own clients saw the same ticks too.
        await at1.WaitUntilAsync(_ => SameLast(at1, at2), Wait, "both gateways at the same last seq");
        Assert.Null(at1.FirstGap);
        Assert.Null(at2.FirstGap);
        Assert.Null(atIngest.FirstGap);
        var ticks1 = Ticks(at1);
        var ticks2 = Ticks(at2);
        var ticksIngest = Ticks(atIngest);
        int common = 0;
        foreach (var (key, message) in ticks1)
        {
            if (ticks2.TryGetValue(key, out var other))
            {
                Assert.Equal(message, other);
                common++;
            }

            if (ticksIngest.TryGetValue(key, out var fromIngest))
            {
                Assert.Equal(message, fromIngest);
            }
        }

        Assert.True(common >= 300, $"{common} ticks delivered by both gateways");
    }

    [Fact]
    public async Task Gateway_WithoutReachableNats_FailsAtStartNamingTheUrl()
    {
        int closedPort = NatsServerProcess.FreePort();
        var (exit, output) = await FeedNodeProcess.RunToFailureAsync(
            Wait, "--ScaleOut:Role=gateway", $"--ScaleOut:NatsUrl=nats://127.0.0.1:{closedPort}", "--ScaleOut:StartTimeoutMs=2000");
        Assert.NotEqual(0, exit);
        Assert.Contains($"cannot reach NATS at nats://127.0.0.1:{closedPort}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("MarketFeed listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_WithoutReachableNats_FailsAtStart()
    {
        int closedPort = NatsServerProcess.FreePort();
        var (exit, output) = await FeedNodeProcess.RunToFailureAsync(
            Wait, "--ScaleOut:Role=ingest", $"--ScaleOut:NatsUrl=nats://127.0.0.1:{closedPort}", "--ScaleOut:StartTimeoutMs=2000");
        Assert.NotEqual(0, exit);
        Assert.Contains("cannot reach NATS", output, StringComparison.Ordinal);
        Assert.DoesNotContain("MarketFeed listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_WithAnotherSubjectPrefixThanTheIngest_FailsAtStartNamingThePrefix()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 500);
        var (exit, output) = await FeedNodeProcess.RunToFailureAsync(
            Wait, "--ScaleOut:Role=gateway", "--ScaleOut:NatsUrl=" + cluster.Nats.Url, "--ScaleOut:SubjectPrefix=wrong" + cluster.Prefix, "--ScaleOut:StartTimeoutMs=1500");
        Assert.NotEqual(0, exit);
        Assert.Contains("ScaleOut:SubjectPrefix=wrong" + cluster.Prefix, output, StringComparison.Ordinal);
        Assert.Contains("no JetStream stream", output, StringComparison.Ordinal);

        // The right prefix works against the same bus: the error was the prefix, not the bus.
        var gateway = await cluster.StartGatewayAsync();
        Assert.Equal("ok", (await ScaleOutCluster.ScaleOutHealthAsync(gateway)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task BadRole_FailsAtStart()
    {
        var (exit, output) = await FeedNodeProcess.RunToFailureAsync(Wait, "--ScaleOut:Role=edge");
        Assert.NotEqual(0, exit);
        Assert.Contains("ScaleOut:Role must be", output, StringComparison.Ordinal);
    }

    private static bool SameLast(FeedTape a, FeedTape b)
    {
        var la = a.LastSequences;
        var lb = b.LastSequences;
        return la.Count == lb.Count && la.All(kv => lb.TryGetValue(kv.Key, out long v) && v == kv.Value);
    }

    private static Dictionary<(int, long), ServerMessage> Ticks(FeedTape tape)
    {
        var result = new Dictionary<(int, long), ServerMessage>();
        foreach (var m in tape.Messages)
        {
            if (m is QuoteMessage or TradeMessage)
            {
                Assert.True(result.TryAdd(FeedTape.Key(m), m), $"duplicate {FeedTape.Key(m)}");
            }
        }

        return result;
    }
}
