using System.Text.Json;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>One nats-server, one ingest and gateways, each a real process on loopback.</summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    private readonly List<FeedNodeProcess> _gateways = [];

    private ScaleOutCluster(NatsServerProcess nats, FeedNodeProcess ingest, string prefix)
    {
        Nats = nats;
        Ingest = ingest;
        Prefix = prefix;
    }

    /// <summary>The bus.</summary>
    public NatsServerProcess Nats { get; }

    /// <summary>The ingest node.</summary>
    public FeedNodeProcess Ingest { get; }

    /// <summary>The subject prefix in use.</summary>
    public string Prefix { get; }

    /// <summary>The gateways started so far.</summary>
    public IReadOnlyList<FeedNodeProcess> Gateways => _gateways;

    /// <summary>Starts nats-server and an ingest running the simulator at <paramref name="rate"/> ticks/s.</summary>
    public static async Task<ScaleOutCluster> StartAsync(int rate, params string[] ingestArgs)
    {
        var nats = await NatsServerProcess.StartAsync();
        try
        {
            string prefix = "mf" + Guid.NewGuid().ToString("N")[..8];
            var ingest = await FeedNodeProcess.StartAsync(
            [
                "--ScaleOut:Role=ingest", "--ScaleOut:NatsUrl=" + nats.Url, "--ScaleOut:SubjectPrefix=" + prefix,
                "--ScaleOut:SnapshotIntervalMs=500", "--rate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), .. ingestArgs,
            ]);
            return new ScaleOutCluster(nats, ingest, prefix);
        }
        catch
        {
            await nats.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a gateway on this cluster's bus and prefix.</summary>
    public async Task<FeedNodeProcess> StartGatewayAsync(params string[] args)
    {
        var gateway = await FeedNodeProcess.StartAsync(
            ["--ScaleOut:Role=gateway", "--ScaleOut:NatsUrl=" + Nats.Url, "--ScaleOut:SubjectPrefix=" + Prefix, .. args]);
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>The node's scale-out health section.</summary>
    public static async Task<JsonElement> ScaleOutHealthAsync(FeedNodeProcess node) => (await node.HealthAsync()).GetProperty("scaleOut");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var g in _gateways)
        {
            await g.DisposeAsync();
        }

        await Ingest.DisposeAsync();
        await Nats.DisposeAsync();
    }
}
