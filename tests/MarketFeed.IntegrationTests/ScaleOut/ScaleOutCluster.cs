using System.Text.Json;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>One nats-server, one ingest and gateways, each a real process on loopback.</summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    private readonly List<FeedNodeProcess> _gateways = [];

    private readonly string[] _ingestArgs;

    private ScaleOutCluster(NatsServerProcess nats, FeedNodeProcess ingest, string prefix, string[] ingestArgs)
    {
        Nats = nats;
        Ingest = ingest;
        Prefix = prefix;
        _ingestArgs = ingestArgs;
    }

    /// <summary>The bus.</summary>
    public NatsServerProcess Nats { get; }

    /// <summary>The ingest node (the current one after <see cref="RestartIngestAsync"/>).</summary>
    public FeedNodeProcess Ingest { get; private set; }

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
            string[] args =
            [
                "--ScaleOut:Role=ingest", "--ScaleOut:NatsUrl=" + nats.Url, "--ScaleOut:SubjectPrefix=" + prefix,
                "--ScaleOut:SnapshotIntervalMs=500", "--rate", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), .. ingestArgs,
            ];
            var ingest = await FeedNodeProcess.StartAsync(args);
            return new ScaleOutCluster(nats, ingest, prefix, args);
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

    /// <summary>
    /// Stops the ingest — SIGTERM and a clean exit (code 0) when <paramref name="clean"/>, else
    /// SIGKILL — and starts it again with the same arguments (so the same recording directory).
    /// <paramref name="whileDown"/> runs between the two. Returns the old process's output.
    /// </summary>
    public async Task<string> RestartIngestAsync(bool clean, Func<Task>? whileDown = null)
    {
        if (clean)
        {
            Assert.Equal(0, await Ingest.TerminateAsync(TimeSpan.FromSeconds(30)));
        }
        else
        {
            await Ingest.KillAsync();
        }

        if (whileDown is not null)
        {
            await whileDown();
        }

        string output = Ingest.Output;
        await StartIngestAgainAsync();
        return output;
    }

    /// <summary>Starts a new ingest with the same arguments in place of the current one (which must have exited).</summary>
    public async Task StartIngestAgainAsync()
    {
        await Ingest.DisposeAsync();
        Ingest = await FeedNodeProcess.StartAsync(_ingestArgs);
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
