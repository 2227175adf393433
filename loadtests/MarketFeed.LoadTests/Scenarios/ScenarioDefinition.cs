using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Simulation;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>
/// One runnable scenario variant: its load simulation, warm-up, source rate, server settings,
/// how each client is built, init/clean hooks, and its failure limit.
/// </summary>
public sealed class ScenarioDefinition
{
    /// <summary>Scenario name (registry key).</summary>
    public required string Name { get; init; }

    /// <summary>Variant within the scenario (e.g. "baseline", "stallers").</summary>
    public string Variant { get; init; } = "default";

    /// <summary>What it measures.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Connection steps.</summary>
    public required LoadSimulation Load { get; init; }

    /// <summary>Time from the run start excluded from latency and throughput stats.</summary>
    public TimeSpan Warmup { get; init; }

    /// <summary>Simulator ticks per second for this run (0 = max).</summary>
    public double TickRate { get; init; }

    /// <summary>Simulator seed.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Extra MarketFeed server arguments (e.g. <c>--Feed:SlowConsumerTimeoutMs=2000</c>).</summary>
    public IReadOnlyList<string> ServerArgs { get; init; } = [];

    /// <summary>Builds client <c>i</c> from the universe's symbol names (rank order).</summary>
    public required Func<int, IReadOnlyList<string>, ClientSpec> Client { get; init; }

    /// <summary>Stop the run once more than this many clients have failed.</summary>
    public int MaxFailures { get; init; } = 10;

    /// <summary>Clients are expected to be dropped (stallers): closes of stallers are not failures.</summary>
    public bool HasStallers { get; init; }

    /// <summary>Runs before the load starts (after the server is up).</summary>
    public Func<ScenarioContext, Task>? Init { get; init; }

    /// <summary>Runs after the load stopped (before the server stops).</summary>
    public Func<ScenarioContext, Task>? Clean { get; init; }

    /// <summary>Run label for reports.</summary>
    public string Label => Variant == "default" ? Name : $"{Name}/{Variant}";
}
