namespace MarketFeed.Gateway.Diagnostics;

/// <summary>Open connections and live subscriptions per identity class (a snapshot taken at scrape time).</summary>
internal sealed class IdentityCounts
{
    private readonly int[] _connections = new int[FeedMetrics.AuthClasses.Length];
    private readonly int[] _subscriptions = new int[FeedMetrics.AuthClasses.Length];

    /// <summary>All zero.</summary>
    public static IdentityCounts Empty { get; } = new();

    /// <summary>Counts one connection of identity class <paramref name="kind"/> holding <paramref name="subscriptions"/> symbols.</summary>
    public void Add(string kind, int subscriptions)
    {
        int i = Array.IndexOf(FeedMetrics.AuthClasses, kind);
        if (i >= 0)
        {
            _connections[i]++;
            _subscriptions[i] += subscriptions;
        }
    }

    /// <summary>Connections of class index <paramref name="i"/> (see <see cref="FeedMetrics.AuthClasses"/>).</summary>
    public int Connections(int i) => _connections[i];

    /// <summary>Subscriptions of class index <paramref name="i"/>.</summary>
    public int Subscriptions(int i) => _subscriptions[i];
}
