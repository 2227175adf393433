using MarketFeed.Protocol;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;
using Microsoft.Extensions.Logging;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// A replay never ends <c>completed</c> with less than the dataset holds (issue #10): damage ends it
/// <c>damaged</c> (or <c>damage-skipped</c> on request), a re-import under a running replay changes
/// nothing for it, and the catalog shows each dataset's state.
/// </summary>
public sealed class ReplayDamageTests : IDisposable
{
    private const long IbmTicks = 133_360;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "marketfeed-damage-" + Guid.NewGuid().ToString("N"));

    public ReplayDamageTests()
    {
        Directory.CreateDirectory(_data);
        Importer.ImportLean([ReplayDataFixture.IbmTrades, ReplayDataFixture.IbmQuotes], Path.Combine(_data, "ibm.mflog"));

        // A torn copy: footer gone and the file cut inside its last block (a crash mid-write, or a truncated copy).
        string torn = Path.Combine(_data, "ibm-torn.mflog");
        File.Copy(Path.Combine(_data, "ibm.mflog"), torn);
        long cut;
        using (var reader = TickLogReader.Open(torn))
        {
            cut = reader.Blocks[^1].Offset + 100;
        }

        using var fs = new FileStream(torn, FileMode.Open, FileAccess.Write);
        fs.SetLength(cut);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task TornDataset_Replay_EndsDamaged_OrDamageSkippedWhenAsked()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + _data);

        var stopped = await ReplayToEndAsync(server, new ControlRequest { Op = "replay", Id = 1, Dataset = "ibm-torn", Speed = double.PositiveInfinity });
        Assert.Equal("damaged", stopped.End.Reason);
        Assert.InRange(stopped.End.TicksSent, 1, IbmTicks - 1);
        Assert.Equal(stopped.End.TicksSent, stopped.Ticks);

        // The end says where: the torn block's offset in the file, after the last tick received, nothing readable after it.
        long tornOffset;
        using (var reader = TickLogReader.Open(Path.Combine(_data, "ibm-torn.mflog")))
        {
            tornOffset = reader.Blocks.Count > 0 ? reader.Blocks[^1].End : reader.DataOffset;
        }

        var damage = Assert.Single(stopped.End.Damage!);
        Assert.Equal(("truncated_block", tornOffset, 0L), (damage.Kind, damage.Offset, damage.BeforeTimestamp));
        Assert.Equal(stopped.LastTimestamp, damage.AfterTimestamp);
        Assert.True(damage.Length > 0);

        var skipped = await ReplayToEndAsync(server, new ControlRequest { Op = "replay", Id = 2, Dataset = "ibm-torn", Speed = double.PositiveInfinity, SkipDamage = true });
        Assert.Equal("damage-skipped", skipped.End.Reason);
        Assert.Equal(stopped.End.TicksSent, skipped.End.TicksSent); // the damage is the tail: nothing after it
        Assert.Equal(damage, Assert.Single(skipped.End.Damage!));

        var clean = await ReplayToEndAsync(server, new ControlRequest { Op = "replay", Id = 3, Dataset = "ibm", Speed = double.PositiveInfinity });
        Assert.Equal(("completed", IbmTicks), (clean.End.Reason, clean.End.TicksSent));
        Assert.Null(clean.End.Damage);
    }

    [Fact]
    public async Task Catalog_ShowsStateAndReadableTicks_OverWebSocketAndHttp()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + _data);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.SendAsync(new ControlRequest { Op = "catalog", Id = 1 }, cts.Token);
        var catalog = Assert.IsType<CatalogMessage>(await client.ReceiveUntilAsync(m => m is CatalogMessage, cts.Token));
        var ibm = catalog.Datasets.Single(d => d.Dataset == "ibm");
        var torn = catalog.Datasets.Single(d => d.Dataset == "ibm-torn");
        Assert.Equal(("intact", IbmTicks, (string?)null), (ibm.State, ibm.Readable, ibm.Damage));
        Assert.Equal("damaged", torn.State);
        Assert.InRange(torn.Readable, 1, IbmTicks - 1);
        Assert.Contains("TruncatedBlock", torn.Damage);

        // Flag counts: how many readable ticks carry each flag, as a plain read of the file counts them.
        long suspicious;
        using (var reader = TickLogReader.Open(Path.Combine(_data, "ibm.mflog")))
        {
            suspicious = reader.ReadAllTicks().Count(t => (t.Flags & Core.TickFlags.Suspicious) != 0);
        }

        Assert.True(suspicious > 0, "the default Lean import keeps vendor-flagged rows");
        Assert.Equal(suspicious, ibm.FlagCounts![CatalogEntry.FlagSuspicious]);
        Assert.Equal(0, ibm.FlagCounts[CatalogEntry.FlagSizeUnknown]);
        Assert.InRange(torn.FlagCounts![CatalogEntry.FlagSuspicious], 0, suspicious);

        using var http = new HttpClient { BaseAddress = server.BaseUri };
        string json = await http.GetStringAsync("/api/catalog", cts.Token);
        Assert.Contains("\"flagCounts\":{\"suspicious\":" + suspicious + ",\"sizeUnknown\":0}", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"damaged\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"intact\"", json, StringComparison.Ordinal);
        Assert.Contains("\"readableTicks\":" + torn.Readable, json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reimport_DuringARunningReplay_ReplayCompletesWithTheVersionItOpened()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + _data);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.SendAsync(new ControlRequest { Op = "replay", Id = 1, Dataset = "ibm", Speed = double.PositiveInfinity }, cts.Token);
        long ticks = 0;
        await client.ReceiveUntilAsync(m => m is QuoteMessage or TradeMessage && ++ticks >= 1000, cts.Token);

        // A different, smaller import replaces the dataset while the replay is in its first blocks.
        Importer.ImportLean([ReplayDataFixture.IbmTrades], Path.Combine(_data, "ibm.mflog"), new LeanImportOptions { Force = true });

        var end = Assert.IsType<ReplayEndMessage>(await client.ReceiveUntilAsync(
            m =>
            {
                if (m is QuoteMessage or TradeMessage)
                {
                    ticks++;
                }

                return m is ReplayEndMessage or ErrorMessage;
            },
            cts.Token));
        Assert.Equal(("completed", IbmTicks, IbmTicks), (end.Reason, end.TicksSent, ticks));
    }

    [Fact]
    public async Task TornDataset_AsTheLiveSource_StopsAtTheDamage_AndSaysSo()
    {
        using var logs = new CapturingLoggerProvider();
        await using var server = await FeedServer.StartWithAsync(
            b => b.Logging.AddProvider(logs),
            "--source", "replay", "--Replay:DataDirectory=" + _data, "--Replay:Dataset=ibm-torn", "--Replay:Speed=max", "--Replay:Loop=false");
        string logged = await logs.WhenLoggedAsync(32).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("Replay source ibm-torn stopped at damage", logged);
        Assert.Contains("TruncatedBlock", logged);
    }

    private static async Task<(ReplayEndMessage End, long Ticks, long LastTimestamp)> ReplayToEndAsync(FeedServer server, ControlRequest request)
    {
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.SendAsync(request, cts.Token);
        long ticks = 0;
        long last = 0;
        var end = await client.ReceiveUntilAsync(
            m =>
            {
                if (m is QuoteMessage q)
                {
                    ticks++;
                    last = Math.Max(last, q.Timestamp);
                }
                else if (m is TradeMessage t)
                {
                    ticks++;
                    last = Math.Max(last, t.Timestamp);
                }

                return m is ReplayEndMessage or ErrorMessage;
            },
            cts.Token);
        return (Assert.IsType<ReplayEndMessage>(end), ticks, last);
    }
}
