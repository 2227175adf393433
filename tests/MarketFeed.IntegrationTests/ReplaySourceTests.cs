using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Hosting;

namespace MarketFeed.IntegrationTests;

/// <summary>Feed:Source=replay: the live feed plays a dataset instead of the simulator.</summary>
public sealed class ReplaySourceTests(ReplayDataFixture data) : IClassFixture<ReplayDataFixture>
{
    private const int TardisTicks = 9_999 + 9_999;

    [Fact]
    public async Task ReplaySource_NoLoop_PlaysTheDatasetOnceIntoTheLiveFeed()
    {
        await using var server = await FeedServer.StartAsync(
            "--source", "replay", "--Replay:DataDirectory=" + data.DataDirectory, "--Replay:Dataset=btcusdt-tardis", "--Replay:Speed=max", "--Replay:Loop=false");
        var runtime = server.Get<FeedRuntime>();
        Assert.Equal("BTCUSDT", Assert.Single(runtime.Universe.Symbols).Name); // the live universe is the dataset's

        await WaitForTicksAsync(runtime, TardisTicks);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "BTCUSDT"), cts.Token);
        var snapshot = Assert.IsType<SnapshotMessage>(await client.ReceiveUntilAsync(m => m is SnapshotMessage, cts.Token)).State;

        var trades = File.ReadLines(ReplayDataFixture.TardisTrades).Skip(1).Select(l => l.Split(',')).ToList();
        decimal amount = trades.Sum(f => decimal.Parse(f[7], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TardisTicks, runtime.Engine.TicksIn); // once, then it stopped
        Assert.Equal(TardisTicks, snapshot.Sequence);
        Assert.Equal(trades.Count, snapshot.TradeCount);
        Assert.Equal(amount, snapshot.CumulativeVolume / (decimal)FixedPoint.Scale(runtime.Universe[0].SizeDecimals));
    }

    [Fact]
    public async Task ReplaySource_Loop_StartsAgainWithSequenceNumbersStillIncreasing()
    {
        await using var server = await FeedServer.StartAsync(
            "--source", "replay", "--Replay:DataDirectory=" + data.DataDirectory, "--Replay:Dataset=btcusdt-tardis", "--Replay:Speed=max", "--Replay:Loop=true");
        var runtime = server.Get<FeedRuntime>();
        await WaitForTicksAsync(runtime, (2 * TardisTicks) + 1);
        Assert.True(runtime.Engine.LastSequence(0) > TardisTicks, "the live engine re-sequences each loop");
    }

    [Fact]
    public async Task ReplaySource_UnknownDataset_FailsTheStartWithTheKeyName()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => FeedServer.StartAsync(
            "--source", "replay", "--Replay:DataDirectory=" + data.DataDirectory, "--Replay:Dataset=nope"));
        Assert.Contains("Replay:Dataset", ex.ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitForTicksAsync(FeedRuntime runtime, long count)
    {
        var engine = runtime.Engine;
        await EngineCondition.WhenAsync(engine, () => engine.TicksIn >= count, TimeSpan.FromSeconds(30));
    }
}
