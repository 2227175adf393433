using System.Globalization;
using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Simulation;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Dashboard fan-out: N conflated clients x K symbols drawn with Zipf popularity, simulator at a fixed rate.</summary>
public sealed class FanOutScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "fanout";

    /// <inheritdoc />
    public string Description => "Dashboard fan-out: N conflated clients x K Zipf-popular symbols, fixed tick rate";

    /// <inheritdoc />
    public string? Unavailable => null;

    /// <inheritdoc />
    public bool Supports(TargetKind target) => true;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options)
    {
        var rates = options.RateSteps.Count > 0 ? options.RateSteps : [options.Rate];
        var list = new List<ScenarioDefinition>(rates.Count);
        foreach (double rate in rates)
        {
            list.Add(Create(options, rate, rates.Count > 1 ? "rate-" + rate.ToString(CultureInfo.InvariantCulture) : "default"));
        }

        return list;
    }

    /// <summary>Fan-out definition shared with the slow-consumer scenario.</summary>
    internal static ScenarioDefinition Create(ScenarioOptions options, double rate, string variant, string name = "fanout", Func<int, ClientRole>? role = null, IReadOnlyList<string>? serverArgs = null)
    {
        int clients = options.Clients;
        double zipf = options.Zipf;
        ulong seed = options.Seed;
        int k = options.SymbolsPerClient;
        ZipfPicker? picker = null;
        var warmup = options.Warmup ?? (options.Ramp + TimeSpan.FromSeconds(3));
        // Stallers stop reading when the warm-up ends and resume 1.5 s before the run ends, to see how the server closed them.
        var stallFor = TimeSpan.FromSeconds(Math.Max(1, (options.Ramp + options.Duration - warmup).TotalSeconds - 1.5));
        return new ScenarioDefinition
        {
            Name = name,
            Variant = variant,
            Description = $"{clients} {(options.FanOutFull ? "full-mode" : "conflated")} clients x {k} symbols (Zipf s={zipf}), {rate:0} ticks/s"
                + (options.Throttle > 0 && !options.FanOutFull ? $", throttle {options.Throttle}/s" : string.Empty),
            Load = LoadSimulation.StartRamping(clients, options.Ramp).KeepConstant(clients, options.Duration),
            Warmup = warmup,
            TickRate = rate,
            Seed = seed,
            ServerArgs = serverArgs ?? [],
            MaxFailures = options.MaxFailures >= 0 ? options.MaxFailures : Math.Max(1, clients / 10),
            HasStallers = role is not null,
            Init = ScenarioHooks.RequireIdleServerAsync,
            Clean = ScenarioHooks.WaitForConnectionsClosedAsync,
            Client = (i, symbols) =>
            {
                picker ??= new ZipfPicker(symbols, zipf);
                var r = role?.Invoke(i) ?? ClientRole.Fast;
                return new ClientSpec
                {
                    Symbols = picker.Pick(k, new Random(unchecked((int)seed) + i)),
                    Role = r,
                    StallAt = warmup,
                    StallFor = stallFor,
                    FullMode = options.FanOutFull,
                    Throttle = options.FanOutFull ? 0 : options.Throttle,
                    ReceiveBufferBytes = options.FanOutFull ? 256 * 1024 : options.Throttle > 0 ? 8 * 1024 : 64 * 1024,
                };
            },
        };
    }
}
