namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>The multi-process scale-out tests run one at a time (each starts up to four processes).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleOutTestGroup
{
    /// <summary>Collection name.</summary>
    public const string Name = "ScaleOut";
}
