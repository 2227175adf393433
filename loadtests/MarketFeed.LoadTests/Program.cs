using System.CommandLine;
using MarketFeed.LoadTests.Cli;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Running;
using MarketFeed.LoadTests.Scenarios;
using MarketFeed.LoadTests.Thresholds;

var scenarioArgument = new Argument<string>("scenario") { Description = "fanout | firehose | slow | storm | replay" };
var run = new Command("run", "Run a scenario and write a report");
run.Arguments.Add(scenarioArgument);
foreach (var o in CliOptions.All)
{
    run.Options.Add(o);
}

run.SetAction((parse, ct) =>
{
    string name = parse.GetValue(scenarioArgument)!;
    var scenario = ScenarioRegistry.Find(name);
    if (scenario is null)
    {
        Console.Error.WriteLine($"unknown scenario '{name}'; try 'list'");
        return Task.FromResult(1);
    }

    var targets = ParseTargets(parse.GetValue(CliOptions.Target)!);
    var thresholds = ThresholdSet.Parse(parse.GetValue(CliOptions.Threshold) ?? [], parse.GetValue(CliOptions.ThresholdsFile));
    var plan = new RunPlan(scenario, Options(parse), targets, thresholds, parse.GetValue(CliOptions.ThresholdsFor) == "all");
    string folderName = parse.GetValue(CliOptions.Name)
        ?? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{scenario.Name}-{parse.GetValue(CliOptions.Target)}";
    return Execute([plan], parse, folderName, $"MarketFeed load test: {scenario.Name}", ct);
});

var smoke = new Command("smoke", "CI smoke: every scenario for a few seconds with tiny sizes, self-hosted; non-zero exit on failure");
foreach (var o in new Option[] { CliOptions.ServerDll, CliOptions.SignalRDll, CliOptions.Reports, CliOptions.Name, CliOptions.NoLive })
{
    smoke.Options.Add(o);
}

smoke.SetAction((parse, ct) =>
    Execute(SmokePlans.Create(), parse, parse.GetValue(CliOptions.Name) ?? $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-smoke", "MarketFeed load-test smoke", ct, forceNoLive: true));

var list = new Command("list", "List scenarios");
list.SetAction(_ =>
{
    foreach (var s in ScenarioRegistry.All)
    {
        Console.WriteLine($"{s.Name,-10} {s.Description}{(s.Unavailable is { } why ? $"  [unavailable: {why}]" : string.Empty)}");
    }

    return 0;
});

var root = new RootCommand("MarketFeed load tests: NBomber-style scenarios, push latency from source timestamps, thresholds, reports");
root.Subcommands.Add(run);
root.Subcommands.Add(smoke);
root.Subcommands.Add(list);
root.Subcommands.Add(FailoverCommand.Create());
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

async Task<int> Execute(IReadOnlyList<RunPlan> plans, ParseResult parse, string folderName, string title, CancellationToken ct, bool forceNoLive = false)
{
    try
    {
        var settings = new RunnerSettings
        {
            MarketFeedUrl = ToUri(parse.GetValue(CliOptions.MarketFeedUrl)),
            SignalRUrl = ToUri(parse.GetValue(CliOptions.SignalRUrl)),
            ServerDll = parse.GetValue(CliOptions.ServerDll) ?? BuildOutput.Find("src", "MarketFeed.Server"),
            SignalRDll = parse.GetValue(CliOptions.SignalRDll) ?? BuildOutput.Find("loadtests", "MarketFeed.SignalRBaseline"),
            ExtraServerArgs = parse.GetValue(CliOptions.ServerArgs) ?? [],
            AbortOnBreach = parse.GetValue(CliOptions.AbortOnBreach),
            ServerCpus = parse.GetValue(CliOptions.ServerCpus),
            Log = line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"),
        };
        if (parse.GetValue(CliOptions.ClientCpus) is { } clientCpus)
        {
            CpuPinning.PinThisProcess(clientCpus);
        }

        MarketFeed.LoadTests.Clients.LoopbackConnector.SourceAddresses = parse.GetValue(CliOptions.SourceAddresses);
        MarketFeed.LoadTests.Clients.LoopbackConnector.FirstSourceAddress = parse.GetValue(CliOptions.FirstSourceAddress);
        CheckLoopback(settings.MarketFeedUrl);
        CheckLoopback(settings.SignalRUrl);
        string folder = Path.Combine(parse.GetValue(CliOptions.Reports) ?? "reports", folderName);
        string commandLine = "MarketFeed.LoadTests " + string.Join(' ', args);
        return await RunExecutor.ExecuteAsync(plans, settings, folder, title, commandLine, forceNoLive || parse.GetValue(CliOptions.NoLive), ct).ConfigureAwait(false);
    }
    catch (Exception ex) when (ex is not OperationCanceledException)
    {
        Console.Error.WriteLine($"load test failed: {ex}");
        return 1;
    }
}

static Uri? ToUri(string? text) => text is null ? null : new Uri(text, UriKind.Absolute);

static void CheckLoopback(Uri? uri)
{
    if (uri is not null && !uri.IsLoopback)
    {
        throw new ArgumentException($"{uri}: this harness only targets loopback addresses (127.0.0.1)");
    }
}

static List<TargetKind> ParseTargets(string text) => text.ToLowerInvariant() switch
{
    "marketfeed" => [TargetKind.MarketFeed],
    "signalr" => [TargetKind.SignalR],
    "both" => [TargetKind.MarketFeed, TargetKind.SignalR],
    _ => throw new ArgumentException($"--target must be marketfeed, signalr or both, not '{text}'"),
};

static ScenarioOptions Options(ParseResult p)
{
    double? warmup = p.GetValue(CliOptions.Warmup);
    return new ScenarioOptions
    {
        Duration = TimeSpan.FromSeconds(p.GetValue(CliOptions.Duration)),
        Warmup = warmup is { } w ? TimeSpan.FromSeconds(w) : null,
        Ramp = TimeSpan.FromSeconds(Math.Max(0.1, p.GetValue(CliOptions.Ramp))),
        Clients = p.GetValue(CliOptions.Clients),
        SymbolsPerClient = p.GetValue(CliOptions.Symbols),
        Rate = p.GetValue(CliOptions.Rate),
        RateSteps = p.GetValue(CliOptions.RateSteps) ?? [],
        Zipf = p.GetValue(CliOptions.Zipf),
        Seed = p.GetValue(CliOptions.Seed),
        FirehoseClients = p.GetValue(CliOptions.FirehoseClients),
        StallerShare = p.GetValue(CliOptions.Stallers),
        SlowShare = p.GetValue(CliOptions.SlowReaders),
        SlowConsumerTimeoutMs = p.GetValue(CliOptions.SlowTimeoutMs),
        Connections = p.GetValue(CliOptions.Connections),
        ChurnWorkers = p.GetValue(CliOptions.ChurnWorkers),
        ChurnIterations = p.GetValue(CliOptions.ChurnIterations),
        MaxFailures = p.GetValue(CliOptions.MaxFailures),
        ReplayClients = p.GetValue(CliOptions.ReplayClients),
        ReplayDataset = p.GetValue(CliOptions.Dataset)!,
        ReplaySpeed = ParseSpeed(p.GetValue(CliOptions.ReplaySpeed)!),
        ReplayIterations = p.GetValue(CliOptions.ReplayIterations),
        DownTime = TimeSpan.FromSeconds(p.GetValue(CliOptions.DownSeconds)),
        ReconnectConflated = p.GetValue(CliOptions.ReconnectConflated),
        FanOutFull = p.GetValue(CliOptions.FanOutFull),
        Throttle = p.GetValue(CliOptions.Throttle),
    };
}

static double ParseSpeed(string text)
{
    if (string.Equals(text, "max", StringComparison.OrdinalIgnoreCase))
    {
        return double.PositiveInfinity;
    }

    return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double speed) && speed > 0
        ? speed
        : throw new ArgumentException($"--replay-speed must be a positive number or max, not '{text}'");
}
