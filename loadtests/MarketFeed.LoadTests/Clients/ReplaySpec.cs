namespace MarketFeed.LoadTests.Clients;

/// <summary>What a replay client replays (docs/protocol.md section 6): one dataset in full mode, again and again.</summary>
public sealed record ReplaySpec
{
    /// <summary>Dataset name from the server's catalog.</summary>
    public required string Dataset { get; init; }

    /// <summary>Replay speed multiplier; <see cref="double.PositiveInfinity"/> for "max".</summary>
    public double Speed { get; init; } = double.PositiveInfinity;

    /// <summary>Replays to run one after another (bounded; the run's end also stops them).</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Run-relative time of the first replay request (the end of the warm-up).</summary>
    public TimeSpan StartAt { get; init; }
}
