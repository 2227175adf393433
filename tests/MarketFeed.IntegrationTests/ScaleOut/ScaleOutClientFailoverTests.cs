using System.Diagnostics;
using System.Threading.Channels;
using Xunit.Abstractions;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>The .NET client given two gateways of one feed: a killed gateway costs no tick (issue 11 part 4).</summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutClientFailoverTests(ITestOutputHelper output)
{
    private static readonly string[] Symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"];

    [Fact]
    public async Task DotNetClient_WithTwoGatewayUrls_MovesToTheOtherWhenItsGatewayDies_AllRecovered_NoGapNoDuplicate()
    {
        await using var cluster = await ScaleOutCluster.StartAsync(rate: 2000);
        var first = await cluster.StartGatewayAsync();
        var second = await cluster.StartGatewayAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions
        {
            Uri = first.WebSocketUri,
            FailoverUris = [second.WebSocketUri],
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ChannelCapacity = 1_000_000,
        });
        var gaps = Channel.CreateUnbounded<SequenceGapMessage>();
        client.SequenceGapDetected += (_, gap) => gaps.Writer.TryWrite(gap);
        await client.ConnectAsync(cts.Token);
        Assert.Equal(first.WebSocketUri, client.CurrentUri);
        await client.SubscribeAsync(Symbols, DeliveryMode.Full, cancellationToken: cts.Token);

        var last = new Dictionary<int, long>();
        SubscriptionsResumedMessage? resumed = null;
        int updatesBefore = 0, updatesAfter = 0;
        bool killed = false;
        var sinceKill = new Stopwatch();
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            switch (m)
            {
                case SnapshotMessage s:
                    Assert.Null(resumed); // a recovered resume sends no snapshot
                    last[s.State.SymbolId] = s.State.Sequence;
                    break;
                case QuoteMessage or TradeMessage:
                    var (id, seq) = FeedTape.Key(m);
                    Assert.True(last.TryGetValue(id, out long previous), $"update of {id} before its snapshot");
                    Assert.Equal(previous + 1, seq); // no gap, no duplicate, across the move too
                    last[id] = seq;
                    if (resumed is null)
                    {
                        updatesBefore++;
                    }
                    else
                    {
                        updatesAfter++;
                    }

                    break;
                case SubscriptionsResumedMessage r:
                    resumed = r;
                    output.WriteLine($"gateway killed -> resumed on the other: {sinceKill.Elapsed.TotalMilliseconds:F0} ms");
                    break;
            }

            if (!killed && updatesBefore >= 500)
            {
                killed = true;
                sinceKill.Start();
                await first.KillAsync();
            }

            if (updatesAfter >= 500)
            {
                break;
            }
        }

        Assert.NotNull(resumed);
        Assert.Equal(Symbols.Order(), resumed.Recovered.Order());
        Assert.Empty(resumed.NotRecovered);
        Assert.Equal(second.WebSocketUri, client.CurrentUri);
        Assert.False(gaps.Reader.TryRead(out var gap), $"gap reported: {gap}");
    }
}
