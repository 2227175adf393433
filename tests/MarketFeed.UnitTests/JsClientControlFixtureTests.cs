using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests;

/// <summary>
/// The other direction of <see cref="JsClientFixtureTests"/>: control messages captured from the JS
/// client's public API (src/MarketFeed.Dashboard/test/fixtures/control/*.bin, written by
/// <c>MARKETFEED_WRITE_FIXTURES=1 npm test</c>) must parse with the server's parser as intended.
/// </summary>
public sealed class JsClientControlFixtureTests
{
    private static readonly string ControlDir =
        Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Dashboard", "test", "fixtures", "control");

    private static ControlRequest Parse(string name) =>
        ControlRequestParser.ParseMessagePack(File.ReadAllBytes(Path.Combine(ControlDir, name + ".bin")));

    [Fact]
    public void Subscribe_Conflated_CarriesSymbolsModeThrottleAndSnapshot()
    {
        var r = Parse("subscribe-conflated");

        Assert.Equal(ControlRequest.Ops.Subscribe, r.Op);
        Assert.Equal(1, r.Id);
        Assert.Equal(["AAPL", "MSFT"], r.Symbols);
        Assert.Equal(DeliveryMode.Conflated, r.Mode);
        Assert.Equal(10, r.Throttle);
        Assert.True(r.Snapshot);
    }

    [Fact]
    public void Subscribe_Full_UpperCasesSymbolsAndCanSkipSnapshot()
    {
        var r = Parse("subscribe-full");

        Assert.Equal(2, r.Id);
        Assert.Equal(["BTCUSDT"], r.Symbols);
        Assert.Equal(DeliveryMode.Full, r.Mode);
        Assert.False(r.Snapshot);
    }

    [Fact]
    public void Unsubscribe_Ping_Symbols_Catalog_Parse()
    {
        var unsubscribe = Parse("unsubscribe");
        Assert.Equal(ControlRequest.Ops.Unsubscribe, unsubscribe.Op);
        Assert.Equal(["AAPL"], unsubscribe.Symbols);

        var ping = Parse("ping");
        Assert.Equal(ControlRequest.Ops.Ping, ping.Op);
        Assert.Equal(1_764_201_600_123_000_000, ping.Time);

        var symbols = Parse("symbols");
        Assert.Equal(ControlRequest.Ops.Symbols, symbols.Op);
        Assert.Equal("A", symbols.Match);

        Assert.Equal(ControlRequest.Ops.Catalog, Parse("catalog").Op);
    }

    [Fact]
    public void Replay_TimesAsIsoTextOrNanoseconds_SpeedNumberOrMax()
    {
        var replay = Parse("replay");
        Assert.Equal(ControlRequest.Ops.Replay, replay.Op);
        Assert.Equal("ibm-20131007", replay.Dataset);
        Assert.Equal(["IBM"], replay.Symbols);
        Assert.Equal(DateTimeOffset.Parse("2013-10-07T13:30:00Z").ToUnixTimeMilliseconds() * 1_000_000, replay.From);
        Assert.Equal(1_381_154_400_000_000_000, replay.To);
        Assert.Equal(10, replay.Speed);
        Assert.Equal(DeliveryMode.Full, replay.Mode);

        var max = Parse("replay-max");
        Assert.Equal(double.PositiveInfinity, max.Speed);
        Assert.Null(max.From);
    }

    [Fact]
    public void ReplayControls_CarryReplayIdAndArguments()
    {
        Assert.Equal((ControlRequest.Ops.ReplayPause, 3L), (Parse("replay-pause").Op, Parse("replay-pause").ReplayId!.Value));
        Assert.Equal(ControlRequest.Ops.ReplayResume, Parse("replay-resume").Op);
        Assert.Equal(0.5, Parse("replay-speed").Speed);
        Assert.Equal(1_381_154_400_000_000_000, Parse("replay-seek").Time);
        Assert.Equal((ControlRequest.Ops.ReplayStop, 3L), (Parse("replay-stop").Op, Parse("replay-stop").ReplayId!.Value));
    }
}
