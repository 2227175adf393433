namespace MarketFeed.UnitTests.Client;

/// <summary>How long a test waits for a signal before failing (generous: a signal normally arrives in milliseconds).</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Signal = TimeSpan.FromSeconds(10);
}
