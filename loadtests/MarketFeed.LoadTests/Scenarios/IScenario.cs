using MarketFeed.LoadTests.Hosting;

namespace MarketFeed.LoadTests.Scenarios;

/// <summary>A scenario in the registry: builds its runnable variants from options.</summary>
public interface IScenario
{
    /// <summary>Registry name.</summary>
    string Name { get; }

    /// <summary>One line for <c>list</c>.</summary>
    string Description { get; }

    /// <summary>Null if runnable, else why not (e.g. the server feature is missing).</summary>
    string? Unavailable { get; }

    /// <summary>True if the scenario can run against <paramref name="target"/>.</summary>
    bool Supports(TargetKind target);

    /// <summary>Variants to run, in order (e.g. a baseline without stallers, then with stallers).</summary>
    IReadOnlyList<ScenarioDefinition> Build(ScenarioOptions options);
}
