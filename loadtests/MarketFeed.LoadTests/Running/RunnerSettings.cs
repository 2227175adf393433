namespace MarketFeed.LoadTests.Running;

/// <summary>How the runner reaches (or starts) the servers.</summary>
public sealed record RunnerSettings
{
    /// <summary>MarketFeed base URL (http://127.0.0.1:PORT); null = start a child process.</summary>
    public Uri? MarketFeedUrl { get; init; }

    /// <summary>SignalR baseline base URL; null = start a child process.</summary>
    public Uri? SignalRUrl { get; init; }

    /// <summary>Path of MarketFeed.Server.dll for self-hosted runs.</summary>
    public required string ServerDll { get; init; }

    /// <summary>Path of MarketFeed.SignalRBaseline.dll for self-hosted runs.</summary>
    public required string SignalRDll { get; init; }

    /// <summary>Extra arguments for a self-hosted MarketFeed server.</summary>
    public IReadOnlyList<string> ExtraServerArgs { get; init; } = [];

    /// <summary>CPU list for self-hosted servers (taskset syntax, e.g. "0"); null = not pinned.</summary>
    public string? ServerCpus { get; init; }

    /// <summary>Stop a run at the first threshold breach seen while running.</summary>
    public bool AbortOnBreach { get; init; }

    /// <summary>Log sink.</summary>
    public Action<string> Log { get; init; } = _ => { };
}
