using System.Globalization;
using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>
/// Slow-consumer isolation: the fan-out run twice, first without and then with a share of
/// stallers (stop reading after the warm-up) and slow readers (read 50 ms, pause 200 ms). The
/// report puts the fast clients' latency of both runs side by side, with the stallers' drop
/// times and close codes and the server memory.
/// </summary>
public sealed class SlowConsumerScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "slow";

    /// <inheritdoc />
    public string Description => "Slow-consumer isolation: fan-out without, then with stallers and slow readers";

    /// <inheritdoc />
    public string? Unavailable => null;

    /// <inheritdoc />
    public bool Supports(TargetKind target) => true;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options)
    {
        string[] serverArgs = ["--Feed:SlowConsumerTimeoutMs=" + options.SlowConsumerTimeoutMs.ToString(CultureInfo.InvariantCulture)];
        int stallEvery = options.StallerShare > 0 ? (int)Math.Round(1 / options.StallerShare) : int.MaxValue;
        int slowEvery = options.SlowShare > 0 ? (int)Math.Round(1 / options.SlowShare) : int.MaxValue;
        return
        [
            FanOutScenario.Create(options, options.Rate, "baseline", Name, _ => ClientRole.Fast, serverArgs),
            FanOutScenario.Create(options, options.Rate, "stallers", Name, i =>
                i % stallEvery == stallEvery - 1 ? ClientRole.Staller
                : i % slowEvery == slowEvery / 2 ? ClientRole.SlowReader
                : ClientRole.Fast, serverArgs),
        ];
    }
}
