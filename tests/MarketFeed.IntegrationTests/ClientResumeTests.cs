using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>The .NET client resumes by itself after a lost connection and says which symbols were recovered.</summary>
public sealed class ClientResumeTests
{
    [Fact]
    public async Task FullMode_ConnectionCutAt50kTicksPerSecond_ClientResumesWithoutGapOrDuplicate()
    {
        await using var server = await FeedServer.StartAsync("--rate", "50000");
        string[] symbols = [.. server.Get<FeedRuntime>().Universe.Symbols.Take(20).Select(s => s.Name)];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions
        {
            Uri = server.WebSocketUri,
            OverflowPolicy = MessageOverflowPolicy.Wait,
            ReconnectInitialDelay = TimeSpan.Zero,
        });
        await client.ConnectAsync(cts.Token);
        await client.SubscribeAsync(symbols, DeliveryMode.Full, cancellationToken: cts.Token);

        var last = new Dictionary<int, long>();
        long beforeCut = 0;
        long afterResume = 0;
        bool cut = false;
        SubscriptionsResumedMessage? resumed = null;
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            switch (m)
            {
                case SnapshotMessage s:
                    Assert.False(cut, "a snapshot after the resume: not recovered");
                    last[s.State.SymbolId] = s.State.Sequence;
                    break;
                case QuoteMessage or TradeMessage:
                    (int id, long seq) = m is QuoteMessage q ? (q.SymbolId, q.Sequence) : (((TradeMessage)m).SymbolId, ((TradeMessage)m).Sequence);
                    Assert.Equal(last[id] + 1, seq); // across the cut too: the server's ids are stable within an epoch
                    last[id] = seq;
                    if (resumed is null)
                    {
                        beforeCut++;
                    }
                    else
                    {
                        afterResume++;
                    }

                    break;
                case SubscriptionsResumedMessage r:
                    resumed = r;
                    Assert.Empty(r.NotRecovered);
                    Assert.Equal(symbols.Length, r.Recovered.Count);
                    break;
                case SequenceGapMessage gap:
                    Assert.Fail($"gap reported: {gap}");
                    break;
            }

            if (!cut && beforeCut >= 20_000)
            {
                cut = true;
                server.Get<ConnectionRegistry>().AbortAll(); // mid-stream, no close handshake
            }

            if (afterResume >= 20_000)
            {
                break;
            }
        }

        Assert.NotNull(resumed);
        Assert.Equal(1, client.ReconnectCount);
        Assert.Equal(0, client.SequenceGapCount);
    }
}
