namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Sizes and rates a scenario is built from (command-line options, or smoke defaults).</summary>
public sealed record ScenarioOptions
{
    /// <summary>Steady-state duration after the ramp.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Warm-up excluded from the stats (counted from the run start; includes the ramp).</summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>Ramp duration for connections.</summary>
    public TimeSpan Ramp { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Fan-out / slow-consumer clients.</summary>
    public int Clients { get; init; } = 200;

    /// <summary>Symbols per fan-out client.</summary>
    public int SymbolsPerClient { get; init; } = 20;

    /// <summary>Simulator ticks per second (0 = as fast as possible).</summary>
    public double Rate { get; init; } = 50_000;

    /// <summary>Extra tick rates run one after another (a stepped rate ramp); empty = just <see cref="Rate"/>.</summary>
    public IReadOnlyList<double> RateSteps { get; init; } = [];

    /// <summary>Zipf exponent for symbol popularity when clients pick symbols.</summary>
    public double Zipf { get; init; } = 1.1;

    /// <summary>Simulator seed.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Firehose clients (full mode, every symbol).</summary>
    public int FirehoseClients { get; init; } = 4;

    /// <summary>Share of fan-out clients that stall (slow-consumer scenario).</summary>
    public double StallerShare { get; init; } = 0.1;

    /// <summary>Share of fan-out clients that read slowly (slow-consumer scenario).</summary>
    public double SlowShare { get; init; } = 0.1;

    /// <summary>Server slow-consumer timeout for the slow-consumer scenario, ms.</summary>
    public int SlowConsumerTimeoutMs { get; init; } = 2000;

    /// <summary>Connection storm: peak connections.</summary>
    public int Connections { get; init; } = 5000;

    /// <summary>Connection storm: churn workers after the hold (0 = none).</summary>
    public int ChurnWorkers { get; init; } = 20;

    /// <summary>Connection storm: connect/subscribe/close iterations per churn worker.</summary>
    public int ChurnIterations { get; init; } = 10;

    /// <summary>Replay burst: replay clients.</summary>
    public int ReplayClients { get; init; } = 4;

    /// <summary>Replay burst: dataset each replay client replays.</summary>
    public string ReplayDataset { get; init; } = "sample-equities";

    /// <summary>Replay burst: replay speed multiplier (<see cref="double.PositiveInfinity"/> = "max").</summary>
    public double ReplaySpeed { get; init; } = double.PositiveInfinity;

    /// <summary>Replay burst: replays per replay client, one after another (the run's end also stops them).</summary>
    public int ReplayIterations { get; init; } = 1000;

    /// <summary>Mass reconnect: how long the dropped clients stay away before resuming.</summary>
    public TimeSpan DownTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Fan-out: full-mode clients instead of conflated.</summary>
    public bool FanOutFull { get; init; }

    /// <summary>Fan-out: the throttle each conflated client asks for, updates per second per symbol (0 = none).</summary>
    public int Throttle { get; init; }

    /// <summary>Mass reconnect: conflated clients instead of full mode.</summary>
    public bool ReconnectConflated { get; init; }

    /// <summary>Stop a run when more than this many clients have failed (-1 = 10% of peak connections).</summary>
    public int MaxFailures { get; init; } = -1;
}
