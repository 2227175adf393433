namespace MarketFeed.LoadTests.Clients;

/// <summary>
/// Counters of one virtual client.
/// </summary>
/// <remarks>Written only by the client's own receive path (one at a time); read by the sampler
/// thread. 64-bit aligned longs read atomically on 64-bit runtimes, so no locks are needed; a
/// sample may be one update behind.</remarks>
public sealed class ClientStats
{
    /// <summary>Quote/trade updates received.</summary>
    public long Updates;

    /// <summary>Payload bytes received (MarketFeed only; SignalR does not expose them).</summary>
    public long Bytes;

    /// <summary>Frames received.</summary>
    public long Frames;

    /// <summary>Full mode: sequence jumps (seq != prev + 1). Conflated: sequence regressions.</summary>
    public long Gaps;

    /// <summary>Error messages received from the server.</summary>
    public long ServerErrors;

    /// <summary>"lagging" status messages received.</summary>
    public long LagEpisodes;

    /// <summary>True while the connection is open.</summary>
    public volatile bool Connected;

    /// <summary>True once the subscribe ack arrived.</summary>
    public volatile bool Subscribed;

    /// <summary>True when the client failed (connect error, unexpected close, protocol error).</summary>
    public volatile bool Failed;

    /// <summary>Close code seen (WebSocket close status, 1006 for an abort, 0 if none).</summary>
    public int CloseCode;

    /// <summary>Run-relative time the close was observed, or null.</summary>
    public TimeSpan? ClosedAt;

    /// <summary>Run-relative time a staller stopped reading, or null.</summary>
    public TimeSpan? StalledAt;

    /// <summary>Failure reason for the report.</summary>
    public string? Error;

    /// <summary>Mass reconnect: run-relative time the client reconnected (after its drop and down time), or null.</summary>
    public TimeSpan? ReconnectAt;

    /// <summary>Mass reconnect: run-relative time the resume's ack arrived, or null.</summary>
    public TimeSpan? ResumeAckAt;

    /// <summary>
    /// Mass reconnect: run-relative time of the first tick after the resume that the source produced
    /// after the client reconnected (every missed tick delivered before it: live again), or null.
    /// </summary>
    public TimeSpan? LiveAt;

    /// <summary>Mass reconnect: symbols sent in the resume.</summary>
    public int ResumedSymbols;

    /// <summary>Mass reconnect: symbols the ack reported recovered.</summary>
    public int RecoveredSymbols;

    /// <summary>Replay clients: replayed quote/trade messages received (not counted in <see cref="Updates"/>).</summary>
    public long ReplayTicks;

    /// <summary>Replay clients: finished replays (read after the client stopped).</summary>
    public List<ReplayRun> ReplayRuns { get; } = [];
}
