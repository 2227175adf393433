using MarketFeed.LoadTests.Hosting;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Replay burst: several clients replaying concurrently while live clients run. Registered but
/// unavailable until the server implements replay (docs/protocol.md section 6).</summary>
public sealed class ReplayBurstScenario : IScenario
{
    /// <inheritdoc />
    public string Name => "replay";

    /// <inheritdoc />
    public string Description => "Replay burst: concurrent replays beside live fan-out clients";

    /// <inheritdoc />
    public string? Unavailable => "the server does not implement replay yet; this scenario lands with the replay issue";

    /// <inheritdoc />
    public bool Supports(TargetKind target) => target == TargetKind.MarketFeed;

    /// <inheritdoc />
    public IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options) => [];
}
