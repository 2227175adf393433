namespace MarketFeed.LoadTests.Scenarios;

/// <summary>All scenarios by name. Add a scenario by implementing <see cref="IScenario"/> and listing it here.</summary>
public static class ScenarioRegistry
{
    /// <summary>Scenarios in display order.</summary>
    public static IReadOnlyList<IScenario> All { get; } =
    [
        new FanOutScenario(),
        new FirehoseScenario(),
        new SlowConsumerScenario(),
        new ConnectionStormScenario(),
        new ReplayBurstScenario(),
        new MassReconnectScenario(),
    ];

    /// <summary>Finds a scenario by name (case-insensitive).</summary>
    public static IScenario? Find(string name)
    {
        foreach (var s in All)
        {
            if (string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return s;
            }
        }

        return null;
    }
}
