using System.Globalization;
using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Simulation;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>
/// Replay burst: the fan-out run twice, first alone (baseline) and then with R replay clients that
/// each replay a dataset in full mode (docs/protocol.md section 6) again and again from the end of the
/// warm-up. Reports replay throughput, replay duration, gaps in replayed sequences and ticks received
/// against the replay end's count, beside the live clients' latency and delivered rate of both runs:
/// a replay session must not disturb live subscribers.
/// </summary>
public sealed class ReplayBurstScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "replay";

    /// <inheritdoc />
    public string Description => "Replay burst: live fan-out without, then with concurrent full-mode replays";

    /// <inheritdoc />
    public string? Unavailable => null;

    /// <inheritdoc />
    public bool Supports(TargetKind target) => target == TargetKind.MarketFeed;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options)
    {
        var baseline = FanOutScenario.Create(options, options.Rate, "baseline", Name);
        return [baseline, WithReplays(options, FanOutScenario.Create(options, options.Rate, "burst", Name))];
    }

    private static ScenarioDefinition WithReplays(ScenarioOptions o, ScenarioDefinition live)
    {
        int clients = o.Clients;
        int replayers = Math.Max(0, o.ReplayClients);
        string speed = double.IsPositiveInfinity(o.ReplaySpeed) ? "max" : o.ReplaySpeed.ToString("0.##", CultureInfo.InvariantCulture) + "x";
        var replay = new ReplaySpec { Dataset = o.ReplayDataset, Speed = o.ReplaySpeed, Iterations = o.ReplayIterations, StartAt = live.Warmup };
        int total = clients + replayers;
        return new ScenarioDefinition
        {
            Name = live.Name,
            Variant = live.Variant,
            Description = $"{live.Description}; {replayers} replay clients x {o.ReplayDataset} (full, {speed}, up to {o.ReplayIterations} replays each)",
            // The replay clients are the last to connect; they send their first replay when the warm-up ends.
            Load = LoadSimulation.StartRamping(total, o.Ramp).KeepConstant(total, o.Duration),
            Warmup = live.Warmup,
            TickRate = live.TickRate,
            Seed = live.Seed,
            ServerArgs = live.ServerArgs,
            MaxFailures = live.MaxFailures,
            Init = live.Init,
            Clean = live.Clean,
            Client = (i, symbols) => i < clients
                ? live.Client(i, symbols)
                : new ClientSpec { Symbols = [], Role = ClientRole.Replayer, Replay = replay, ReceiveBufferBytes = 256 * 1024 },
        };
    }
}
