using System.CommandLine;

namespace MarketFeed.LoadTests.Cli;

/// <summary>The command-line options shared by <c>run</c> and <c>smoke</c>.</summary>
public static class CliOptions
{
    /// <summary>--target</summary>
    public static readonly Option<string> Target = new("--target") { Description = "marketfeed | signalr | both", DefaultValueFactory = _ => "marketfeed" };

    /// <summary>--marketfeed-url</summary>
    public static readonly Option<string?> MarketFeedUrl = new("--marketfeed-url", "--url") { Description = "Use a running MarketFeed at this http://127.0.0.1:PORT URL instead of starting one" };

    /// <summary>--signalr-url</summary>
    public static readonly Option<string?> SignalRUrl = new("--signalr-url") { Description = "Use a running SignalR baseline at this URL instead of starting one" };

    /// <summary>--server-dll</summary>
    public static readonly Option<string?> ServerDll = new("--server-dll") { Description = "MarketFeed.Server.dll for self-hosted runs (default: found from the repo build output)" };

    /// <summary>--signalr-dll</summary>
    public static readonly Option<string?> SignalRDll = new("--signalr-dll") { Description = "MarketFeed.SignalRBaseline.dll for self-hosted runs" };

    /// <summary>--server-arg</summary>
    public static readonly Option<string[]> ServerArgs = new("--server-arg") { Description = "Extra argument for a self-hosted MarketFeed (repeatable), e.g. --server-arg=--Feed:MaxFrameBytes=131072", AllowMultipleArgumentsPerToken = false };

    /// <summary>--duration</summary>
    public static readonly Option<double> Duration = new("--duration") { Description = "Steady-state seconds after the ramp", DefaultValueFactory = _ => 20 };

    /// <summary>--warmup</summary>
    public static readonly Option<double?> Warmup = new("--warmup") { Description = "Seconds from the start excluded from stats (default: ramp + 3)" };

    /// <summary>--ramp</summary>
    public static readonly Option<double> Ramp = new("--ramp") { Description = "Seconds to ramp connections", DefaultValueFactory = _ => 2 };

    /// <summary>--clients</summary>
    public static readonly Option<int> Clients = new("--clients") { Description = "Fan-out / slow-consumer clients", DefaultValueFactory = _ => 200 };

    /// <summary>--symbols</summary>
    public static readonly Option<int> Symbols = new("--symbols") { Description = "Symbols per fan-out client (Zipf)", DefaultValueFactory = _ => 20 };

    /// <summary>--rate</summary>
    public static readonly Option<double> Rate = new("--rate") { Description = "Simulator ticks/s (0 = max)", DefaultValueFactory = _ => 50_000 };

    /// <summary>--rate-steps</summary>
    public static readonly Option<double[]> RateSteps = new("--rate-steps") { Description = "Stepped tick-rate ramp: run the fan-out once per rate, e.g. --rate-steps 10000 50000 200000", AllowMultipleArgumentsPerToken = true };

    /// <summary>--zipf</summary>
    public static readonly Option<double> Zipf = new("--zipf") { Description = "Zipf exponent of symbol popularity", DefaultValueFactory = _ => 1.1 };

    /// <summary>--seed</summary>
    public static readonly Option<ulong> Seed = new("--seed") { Description = "Simulator seed", DefaultValueFactory = _ => 42UL };

    /// <summary>--firehose-clients</summary>
    public static readonly Option<int> FirehoseClients = new("--firehose-clients") { Description = "Firehose full-mode clients", DefaultValueFactory = _ => 4 };

    /// <summary>--stallers</summary>
    public static readonly Option<double> Stallers = new("--stallers") { Description = "Share of stalling clients (slow scenario)", DefaultValueFactory = _ => 0.1 };

    /// <summary>--slow-readers</summary>
    public static readonly Option<double> SlowReaders = new("--slow-readers") { Description = "Share of slow readers (slow scenario)", DefaultValueFactory = _ => 0.1 };

    /// <summary>--slow-timeout-ms</summary>
    public static readonly Option<int> SlowTimeoutMs = new("--slow-timeout-ms") { Description = "Server Feed:SlowConsumerTimeoutMs in the slow scenario", DefaultValueFactory = _ => 2000 };

    /// <summary>--connections</summary>
    public static readonly Option<int> Connections = new("--connections") { Description = "Connection storm: peak connections", DefaultValueFactory = _ => 5000 };

    /// <summary>--churn-workers</summary>
    public static readonly Option<int> ChurnWorkers = new("--churn-workers") { Description = "Connection storm: churn workers after the hold", DefaultValueFactory = _ => 20 };

    /// <summary>--churn-iterations</summary>
    public static readonly Option<int> ChurnIterations = new("--churn-iterations") { Description = "Connection storm: iterations per churn worker", DefaultValueFactory = _ => 10 };

    /// <summary>--replay-clients</summary>
    public static readonly Option<int> ReplayClients = new("--replay-clients") { Description = "Replay burst: replay clients", DefaultValueFactory = _ => 4 };

    /// <summary>--dataset</summary>
    public static readonly Option<string> Dataset = new("--dataset") { Description = "Replay burst: dataset to replay", DefaultValueFactory = _ => "sample-equities" };

    /// <summary>--replay-speed</summary>
    public static readonly Option<string> ReplaySpeed = new("--replay-speed") { Description = "Replay burst: speed multiplier or max", DefaultValueFactory = _ => "max" };

    /// <summary>--replay-iterations</summary>
    public static readonly Option<int> ReplayIterations = new("--replay-iterations") { Description = "Replay burst: replays per replay client, one after another", DefaultValueFactory = _ => 1000 };

    /// <summary>--down-seconds</summary>
    public static readonly Option<double> DownSeconds = new("--down-seconds") { Description = "Mass reconnect: seconds the clients stay away before resuming", DefaultValueFactory = _ => 5 };

    /// <summary>--full</summary>
    public static readonly Option<bool> FanOutFull = new("--full") { Description = "Fan-out: full-mode clients (every tick of their symbols) instead of conflated" };

    /// <summary>--throttle</summary>
    public static readonly Option<int> Throttle = new("--throttle") { Description = "Fan-out: conflated clients ask for at most this many updates per second per symbol (0 = unthrottled; the server may grant less)", DefaultValueFactory = _ => 0 };

    /// <summary>--reconnect-conflated</summary>
    public static readonly Option<bool> ReconnectConflated = new("--reconnect-conflated") { Description = "Mass reconnect: conflated clients instead of full mode" };

    /// <summary>--source-addresses</summary>
    public static readonly Option<int> SourceAddresses = new("--source-addresses") { Description = "Spread client sockets over this many loopback source addresses (127.0.0.2, 127.0.0.3, ...; 0 = the kernel's choice) to get past one address's ~28k ephemeral ports", DefaultValueFactory = _ => 0 };

    /// <summary>--first-source-address</summary>
    public static readonly Option<int> FirstSourceAddress = new("--first-source-address") { Description = "With --source-addresses: the first one is 127.0.x.y for this number (x*256+y; default 2 = 127.0.0.2), so that several load-generator processes use disjoint addresses", DefaultValueFactory = _ => 2 };

    /// <summary>--max-failures</summary>
    public static readonly Option<int> MaxFailures = new("--max-failures") { Description = "Stop a run when more clients failed (-1 = scenario default)", DefaultValueFactory = _ => -1 };

    /// <summary>--threshold</summary>
    public static readonly Option<string[]> Threshold = new("--threshold", "-t") { Description = "Threshold rule, repeatable or ';'-separated: 'p99 < 50ms', 'delivered >= 1e6/s', 'errors = 0'" };

    /// <summary>--thresholds-file</summary>
    public static readonly Option<string?> ThresholdsFile = new("--thresholds-file") { Description = "JSON file: an array of threshold rules" };

    /// <summary>--thresholds-for</summary>
    public static readonly Option<string> ThresholdsFor = new("--thresholds-for") { Description = "Apply thresholds to: marketfeed | all", DefaultValueFactory = _ => "marketfeed" };

    /// <summary>--abort-on-breach</summary>
    public static readonly Option<bool> AbortOnBreach = new("--abort-on-breach") { Description = "Stop a run at the first breach seen while running" };

    /// <summary>--reports</summary>
    public static readonly Option<string> Reports = new("--reports") { Description = "Reports root folder", DefaultValueFactory = _ => "reports" };

    /// <summary>--name</summary>
    public static readonly Option<string?> Name = new("--name") { Description = "Run folder name (default: timestamp-scenario-target)" };

    /// <summary>--no-live</summary>
    public static readonly Option<bool> NoLive = new("--no-live") { Description = "Plain log lines instead of the live table" };

    public static readonly Option<string?> ServerCpus = new("--server-cpus") { Description = "Pin self-hosted servers to these CPUs (taskset list, e.g. 0); measure with --client-cpus on the others" };

    public static readonly Option<string?> ClientCpus = new("--client-cpus") { Description = "Pin the load generator (this process) to these CPUs (e.g. 1)" };

    /// <summary>Every option, for adding to a command.</summary>
    public static IEnumerable<Option> All =>
    [
        Target, MarketFeedUrl, SignalRUrl, ServerDll, SignalRDll, ServerArgs, Duration, Warmup, Ramp, Clients, Symbols, Rate, RateSteps,
        Zipf, Seed, FirehoseClients, Stallers, SlowReaders, SlowTimeoutMs, Connections, ChurnWorkers, ChurnIterations, MaxFailures,
        ReplayClients, Dataset, ReplaySpeed, ReplayIterations, DownSeconds, ReconnectConflated, FanOutFull, Throttle, SourceAddresses, FirstSourceAddress,
        Threshold, ThresholdsFile, ThresholdsFor, AbortOnBreach, Reports, Name, NoLive, ServerCpus, ClientCpus,
    ];
}
