using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Scenarios;
using MarketFeed.LoadTests.Thresholds;

namespace MarketFeed.LoadTests.Cli;

/// <summary>
/// The CI smoke: every available scenario for a few seconds with tiny sizes against a self-hosted
/// MarketFeed (and the fan-out against the SignalR baseline), with thresholds that any working
/// build meets. Keeps the harness from rotting; about 40 s on 2 cores.
/// </summary>
public static class SmokePlans
{
    /// <summary>The smoke plans.</summary>
    public static IReadOnlyList<RunPlan> Create()
    {
        var common = new ScenarioOptions
        {
            Duration = TimeSpan.FromSeconds(3),
            Ramp = TimeSpan.FromSeconds(1),
            Warmup = TimeSpan.FromSeconds(1.5),
            Clients = 10,
            SymbolsPerClient = 5,
            Rate = 2000,
            FirehoseClients = 2,
            Connections = 200,
            ChurnWorkers = 4,
            ChurnIterations = 3,
            StallerShare = 0.2,
            SlowShare = 0.2,
            SlowConsumerTimeoutMs = 500,
            ReplayClients = 2,
            ReplayIterations = 3,
        };
        var flowing = ThresholdSet.Parse(["errors = 0; gaps = 0; delivered > 0; p99 < 5s; cpu_us_per_update > 0; cpu_us_per_frame > 0"], null);
        return
        [
            new RunPlan(ScenarioRegistry.Find("fanout")!, common, [TargetKind.MarketFeed, TargetKind.SignalR], flowing, true),
            new RunPlan(ScenarioRegistry.Find("firehose")!, common, [TargetKind.MarketFeed], flowing, true),
            new RunPlan(ScenarioRegistry.Find("slow")!, common with { Duration = TimeSpan.FromSeconds(4) }, [TargetKind.MarketFeed], ThresholdSet.Parse(["errors = 0; delivered > 0"], null), true),
            new RunPlan(ScenarioRegistry.Find("storm")!, common, [TargetKind.MarketFeed], ThresholdSet.Parse(["errors = 0; ack_p99 < 10s"], null), true),
            new RunPlan(ScenarioRegistry.Find("replay")!, common, [TargetKind.MarketFeed], ThresholdSet.Parse(["errors = 0; gaps = 0; delivered > 0; replay_errors = 0"], null), true),
            new RunPlan(ScenarioRegistry.Find("reconnect")!, common with { Connections = 20, DownTime = TimeSpan.FromSeconds(1) }, [TargetKind.MarketFeed], ThresholdSet.Parse(["errors = 0; gaps = 0; reconnect_not_live = 0; recovered_share >= 1"], null), true),
        ];
    }
}
