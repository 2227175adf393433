namespace MarketFeed.LoadTests.Thresholds;

/// <summary>Result of checking one threshold against one run.</summary>
/// <param name="Threshold">The rule.</param>
/// <param name="Actual">Measured value (null if unavailable).</param>
/// <param name="Passed">True if met.</param>
/// <param name="BreachedAtSeconds">Run time of the first breach seen during the run, if any.</param>
public sealed record ThresholdOutcome(Threshold Threshold, double? Actual, bool Passed, double? BreachedAtSeconds);
