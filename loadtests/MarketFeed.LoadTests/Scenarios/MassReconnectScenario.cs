using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Simulation;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>
/// Mass reconnect (issue 9): ramp to N subscribed connections (full mode by default, K Zipf symbols
/// each) while the simulator runs, abort all of them at the same instant, keep them away for the
/// down time (the source keeps ticking), then reconnect all at once resuming from their last
/// sequences. Reports the time until every client is live again (its first tick produced after it
/// reconnected, i.e. every missed tick delivered before it), the share of symbols recovered, the
/// gaps across the resume and the server CPU spent in the reconnect window. Needs <c>ulimit -n</c>
/// above the connection count (see loadtests/run-reconnect.sh).
/// </summary>
public sealed class MassReconnectScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "reconnect";

    /// <inheritdoc />
    public string Description => "Mass reconnect: N connections dropped at once, resuming after the down time; time until all live, recovered share";

    /// <inheritdoc />
    public string? Unavailable => null;

    /// <inheritdoc />
    public bool Supports(TargetKind target) => target == TargetKind.MarketFeed;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options)
    {
        int n = options.Connections;
        int k = options.SymbolsPerClient;
        bool full = !options.ReconnectConflated;
        var settle = TimeSpan.FromSeconds(3);
        var dropAt = options.Ramp + settle;
        var down = options.DownTime;

        // After the reconnect: the steady state for as long as asked (at least 10 s to catch up).
        var hold = settle + down + Max(options.Duration, TimeSpan.FromSeconds(10));
        ZipfPicker? picker = null;
        return
        [
            new ScenarioDefinition
            {
                Name = Name,
                Variant = full ? "default" : "conflated",
                Description = $"{n} {(full ? "full-mode" : "conflated")} clients x {k} symbols (Zipf s={options.Zipf}), {options.Rate:0} ticks/s; all dropped at {dropAt.TotalSeconds:0}s, resume after {down.TotalSeconds:0.#}s",
                Load = LoadSimulation.StartRamping(n, options.Ramp).KeepConstant(n, hold),
                // Measured window (CPU per update etc.): from the drop on.
                Warmup = options.Warmup ?? dropAt,
                TickRate = options.Rate,
                Seed = options.Seed,
                ServerArgs = ["--Feed:MaxConnections=" + Math.Max(n * 2, 1000)],
                MaxFailures = options.MaxFailures >= 0 ? options.MaxFailures : Math.Max(1, n / 100),
                Init = ScenarioHooks.RequireIdleServerAsync,
                Clean = ScenarioHooks.WaitForConnectionsClosedAsync,
                Client = (i, symbols) =>
                {
                    picker ??= new ZipfPicker(symbols, options.Zipf);
                    return new ClientSpec
                    {
                        Symbols = picker.Pick(k, new Random(unchecked((int)options.Seed) + i)),
                        FullMode = full,
                        ReceiveBufferBytes = 16 * 1024,
                        DropAt = dropAt,
                        DownFor = down,
                    };
                },
            },
        ];
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
