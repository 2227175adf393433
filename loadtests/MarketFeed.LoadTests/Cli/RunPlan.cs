using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Scenarios;
using MarketFeed.LoadTests.Thresholds;

namespace MarketFeed.LoadTests.Cli;

/// <summary>One scenario to run with its options, targets and thresholds.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Options">Sizes and rates.</param>
/// <param name="Targets">Targets in order.</param>
/// <param name="Thresholds">Rules.</param>
/// <param name="ThresholdsForAll">Apply rules to the SignalR baseline too (else MarketFeed only).</param>
public sealed record RunPlan(IScenario Scenario, ScenarioOptions Options, IReadOnlyList<TargetKind> Targets, ThresholdSet Thresholds, bool ThresholdsForAll);
