namespace MarketFeed.LoadTests.Clients;

/// <summary>How a virtual client reads.</summary>
public enum ClientRole
{
    /// <summary>Reads as fast as it can.</summary>
    Fast,

    /// <summary>Reads in bursts with pauses between them.</summary>
    SlowReader,

    /// <summary>Stops reading after the warm-up (to be dropped by the server).</summary>
    Staller,

    /// <summary>Runs replays (full mode) instead of a live subscription; its ticks are not live latency.</summary>
    Replayer,
}
