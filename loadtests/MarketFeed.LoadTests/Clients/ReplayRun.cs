namespace MarketFeed.LoadTests.Clients;

/// <summary>One finished replay of a replay client.</summary>
/// <param name="Start">Run-relative time the replay request was sent.</param>
/// <param name="End">Run-relative time the replay end arrived.</param>
/// <param name="TicksReceived">Quote/trade messages received for the replay.</param>
/// <param name="TicksSent">Ticks the server reported in replay end.</param>
/// <param name="Reason">Replay end reason ("completed", "stopped", "error").</param>
public sealed record ReplayRun(TimeSpan Start, TimeSpan End, long TicksReceived, long TicksSent, string Reason)
{
    /// <summary>True when the replay completed and every tick the server sent arrived.</summary>
    public bool Ok => Reason == "completed" && TicksReceived == TicksSent;
}
