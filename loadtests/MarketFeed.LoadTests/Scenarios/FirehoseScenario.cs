using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Simulation;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Firehose: a few full-mode clients taking every tick of every symbol; sequence gaps must be zero.</summary>
public sealed class FirehoseScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "firehose";

    /// <inheritdoc />
    public string Description => "Firehose: a few full-mode clients x every symbol, gap-checked";

    /// <inheritdoc />
    public string? Unavailable => null;

    /// <inheritdoc />
    public bool Supports(TargetKind target) => true;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options)
    {
        int clients = options.FirehoseClients;
        return
        [
            new ScenarioDefinition
            {
                Name = Name,
                Description = $"{clients} full-mode clients x all symbols, {options.Rate:0} ticks/s",
                Load = LoadSimulation.StartConstant(clients, options.Duration + TimeSpan.FromSeconds(2)),
                Warmup = options.Warmup ?? TimeSpan.FromSeconds(2),
                TickRate = options.Rate,
                Seed = options.Seed,
                MaxFailures = 0,
                Init = ScenarioHooks.RequireIdleServerAsync,
                Clean = ScenarioHooks.WaitForConnectionsClosedAsync,
                Client = (i, symbols) => new ClientSpec { Symbols = symbols, FullMode = true, ReceiveBufferBytes = 256 * 1024 },
            },
        ];
    }
}
