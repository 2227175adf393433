using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.IntegrationTests;

/// <summary>Vendor flags reach the client: the appended flags field of quote and trade messages (issue #10).</summary>
public sealed class TickFlagsEndToEndTests(ReplayDataFixture data) : IClassFixture<ReplayDataFixture>
{
    [Fact]
    public async Task IbmReplay_SuspiciousTicksArriveFlagged_ExactlyThoseOfTheLog()
    {
        List<(long Seq, TickKind Kind)> flaggedInLog;
        using (var reader = TickLogReader.Open(Path.Combine(data.DataDirectory, "ibm-20131007.mflog")))
        {
            flaggedInLog = reader.ReadAllTicks().Where(t => (t.Flags & TickFlags.Suspicious) != 0).Select(t => (t.Sequence, t.Kind)).ToList();
        }

        Assert.NotEmpty(flaggedInLog); // the AlgoSeek IBM day has a vendor-flagged quote

        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.SendAsync(new ControlRequest { Op = "replay", Id = 1, Dataset = "ibm-20131007", Speed = double.PositiveInfinity }, cts.Token);
        var flagged = new List<(long Seq, TickKind Kind)>();
        long ticks = 0;
        var end = await client.ReceiveUntilAsync(
            m =>
            {
                switch (m)
                {
                    case QuoteMessage q:
                        ticks++;
                        if ((q.Flags & TickFlags.Suspicious) != 0)
                        {
                            flagged.Add((q.Sequence, TickKind.Quote));
                        }

                        break;
                    case TradeMessage t:
                        ticks++;
                        if ((t.Flags & TickFlags.Suspicious) != 0)
                        {
                            flagged.Add((t.Sequence, TickKind.Trade));
                        }

                        break;
                }

                return m is ReplayEndMessage or ErrorMessage;
            },
            cts.Token);

        Assert.Equal("completed", Assert.IsType<ReplayEndMessage>(end).Reason);
        Assert.Equal(133_360, ticks);
        Assert.Equal(flaggedInLog, flagged);
    }
}
