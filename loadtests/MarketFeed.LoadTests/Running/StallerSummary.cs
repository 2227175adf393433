namespace MarketFeed.LoadTests.Running;

/// <summary>What happened to the stallers of a run.</summary>
/// <param name="Count">Stallers.</param>
/// <param name="StalledAtSeconds">Run time at which they stopped reading.</param>
/// <param name="DroppedByServer">Server drop counter increase (stalled + overflow) after the stall.</param>
/// <param name="DropDelaysSeconds">Per drop: seconds from the stall to the sample where the server counted it.</param>
/// <param name="ClientCloseCodes">Close codes the stallers saw when they resumed reading (1006 = connection reset, 0 = none).</param>
public sealed record StallerSummary(int Count, double StalledAtSeconds, long DroppedByServer, IReadOnlyList<double> DropDelaysSeconds, IReadOnlyDictionary<int, int> ClientCloseCodes);
