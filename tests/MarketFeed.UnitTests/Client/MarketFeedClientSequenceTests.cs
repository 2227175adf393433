using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using static MarketFeed.UnitTests.Client.ClientTestKit;

namespace MarketFeed.UnitTests.Client;

public sealed class MarketFeedClientSequenceTests
{
    [Fact]
    public async Task FullMode_SequenceJump_ReportsGapAndResubscribesForAFreshSnapshot()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var raised = new TaskCompletionSource<SequenceGapMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.SequenceGapDetected += (_, gap) => raised.TrySetResult(gap);
        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 5, 10, 11));

        await connection.SendTicksAsync(Quote(0, 6, 10, 12), Quote(0, 9, 10, 13));

        var gap = await stream.NextAsync<SequenceGapMessage>();
        Assert.Equal((SequenceAnomaly.Gap, 7L, 9L, 2L, true, "AAPL"), (gap.Anomaly, gap.ExpectedSequence, gap.ReceivedSequence, gap.MissedTicks, gap.Resubscribed, gap.Symbol));
        Assert.Equal(9, (await stream.NextAsync<QuoteMessage>()).Sequence); // the gap is reported just before the update
        Assert.Same(gap, await raised.Task.WaitAsync(TestTimeouts.Signal));
        var resubscribe = await connection.ReceiveRequestAsync();
        Assert.Equal(["AAPL"], resubscribe.Symbols);
        Assert.Equal(DeliveryMode.Full, resubscribe.Mode);

        // Fresh snapshot resets the baseline: contiguous updates from it are fine.
        await connection.SendSubscribeAckAsync(resubscribe.Id, DeliveryMode.Full, 0, [Aapl], Snapshot(0, 20, 30, 31));
        await connection.SendTicksAsync(Quote(0, 21, 30, 32));
        Assert.Equal(21, (await stream.NextAsync<QuoteMessage>()).Sequence);
        Assert.Equal(1, client.SequenceGapCount);
        Assert.True(client.TryGetSnapshot("AAPL", out var state));
        Assert.Equal((21L, 32L), (state.Sequence, state.AskPrice));
    }

    [Fact]
    public async Task FullMode_ContiguousQuotesAndTrades_NoGap()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Full, 0, Snapshot(0, 5, 10, 11));

        await connection.SendTicksAsync(Quote(0, 6, 10, 12), Trade(0, 7, 12, 1, 1, 1), Quote(0, 8, 11, 12));

        Assert.Equal(8, (await stream.NextAsync<QuoteMessage>(q => q.Sequence == 8)).Sequence);
        Assert.Equal(0, client.SequenceGapCount);
    }

    [Fact]
    public async Task Conflated_ForwardJumpIsConflationButBackwardSequenceIsReportedAndNotApplied()
    {
        await using var server = await FakeFeedServer.StartAsync();
        var (client, connection) = await ConnectAsync(server, Options(server.Uri));
        await using var clientScope = client;
        var stream = client.ReadAllAsync().GetAsyncEnumerator();
        await ClientTestKit.SubscribeAsync(client, connection, [Aapl], DeliveryMode.Conflated, 0, Snapshot(0, 10, 100, 101));

        await connection.SendTicksAsync(Quote(0, 15, 105, 106), Quote(0, 12, 102, 103));

        var anomaly = await stream.NextAsync<SequenceGapMessage>();
        Assert.Equal((SequenceAnomaly.Backward, 15L, 12L, false), (anomaly.Anomaly, anomaly.ExpectedSequence, anomaly.ReceivedSequence, anomaly.Resubscribed));
        await stream.NextAsync<QuoteMessage>(q => q.Sequence == 12);
        Assert.Equal(1, client.SequenceGapCount);
        Assert.True(client.TryGetSnapshot("AAPL", out var state));
        Assert.Equal((15L, 105L), (state.Sequence, state.BidPrice)); // the stale quote did not overwrite the newer one
    }
}
