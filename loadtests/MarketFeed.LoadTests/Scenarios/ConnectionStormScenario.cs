using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Simulation;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>
/// Connection storm: ramp to many idle subscribed connections (1 symbol each, source quiet), hold,
/// then churn (workers connecting, subscribing and closing in a loop). Reports connect and
/// subscribe-ack latency and server memory per connection. Needs <c>ulimit -n</c> above the
/// connection count (see loadtests/run-storm.sh).
/// </summary>
public sealed class ConnectionStormScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "storm";

    /// <inheritdoc />
    public string Description => "Connection storm: ramp to many idle subscribed connections, hold, churn; memory per connection";

    /// <inheritdoc />
    public string? Unavailable => null;

    /// <inheritdoc />
    public bool Supports(TargetKind target) => true;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options)
    {
        int n = options.Connections;
        var load = LoadSimulation.StartRamping(n, options.Ramp).KeepConstant(n, options.Duration);
        if (options.ChurnWorkers > 0 && options.ChurnIterations > 0)
        {
            load.IterationsForConstant(options.ChurnWorkers, options.ChurnIterations, TimeSpan.FromSeconds(30));
        }

        ZipfPicker? picker = null;
        return
        [
            new ScenarioDefinition
            {
                Name = Name,
                Description = $"ramp to {n} idle subscribed connections over {options.Ramp.TotalSeconds:0}s, hold {options.Duration.TotalSeconds:0}s, churn {options.ChurnWorkers}x{options.ChurnIterations}",
                Load = load,
                Warmup = TimeSpan.Zero,
                TickRate = 1,
                Seed = options.Seed,
                // Idle: no ticks flow, so memory per connection is the connection's own cost (heartbeats only).
                ServerArgs = ["--Feed:Source=none", "--Feed:MaxConnections=" + Math.Max(n * 2, 1000)],
                MaxFailures = options.MaxFailures >= 0 ? options.MaxFailures : Math.Max(1, n / 100),
                Init = ScenarioHooks.RequireIdleServerAsync,
                Clean = ScenarioHooks.WaitForConnectionsClosedAsync,
                Client = (i, symbols) =>
                {
                    picker ??= new ZipfPicker(symbols, options.Zipf);
                    return new ClientSpec { Symbols = picker.Pick(1, new Random(i)), ReceiveBufferBytes = 4096 };
                },
            },
        ];
    }
}
