using HdrHistogram;

namespace MarketFeed.LoadTests.Running;

/// <summary>Mass reconnect outcome of one run.</summary>
/// <param name="Clients">Clients dropped on purpose.</param>
/// <param name="Live">Clients live again (a tick produced after their reconnect arrived, everything missed before it).</param>
/// <param name="ResumedSymbols">Symbols sent with a last sequence in the resumes that were answered (ack received).</param>
/// <param name="RecoveredSymbols">Symbols the acks reported recovered.</param>
/// <param name="AllLiveSeconds">First reconnect to the last client live again, s (NaN if none came back).</param>
/// <param name="ToLive">Per client, reconnect to live again (µs).</param>
/// <param name="ServerCpuSeconds">Server CPU seconds in the per-second samples overlapping that window.</param>
public sealed record ReconnectSummary(int Clients, int Live, int ResumedSymbols, int RecoveredSymbols, double AllLiveSeconds, LongHistogram ToLive, double ServerCpuSeconds);
