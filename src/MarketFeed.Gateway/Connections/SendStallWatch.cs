namespace MarketFeed.Gateway.Connections;

/// <summary>
/// The slow-consumer rule for one connection's pending send: it is stalled once the same send has
/// been pending for at least the timeout <em>and</em> has been seen pending on at least
/// <see cref="Rounds"/> consecutive watchdog rounds.
/// </summary>
/// <remarks>
/// Why rounds as well as time: the watchdog runs every quarter of the timeout, so a peer that
/// really stopped reading is seen on four rounds within the timeout plus one period, as with a
/// time-only rule. But when this process itself did not run — a GC pause, thread-pool or CPU
/// starvation on a busy box, a suspended VM — a time-only rule charges the whole pause to every
/// client that happened to be mid-send, and healthy readers were dropped with 4002 that way. The
/// watchdog runs late in exactly those cases, sees such a send on one round only, and the rule
/// waits for three more rounds in which the process was alive and the peer still took nothing.
/// Only the watchdog calls <see cref="Observe"/> (rounds never overlap; see ConnectionRegistry).
/// </remarks>
internal struct SendStallWatch
{
    /// <summary>Watchdog rounds a send must be seen pending on (the watchdog period is the timeout / <see cref="Rounds"/>).</summary>
    public const int Rounds = 4;

    private long _watchedSend;
    private int _rounds;

    /// <summary>The watchdog's period for a slow-consumer timeout (at least 10 ms).</summary>
    public static TimeSpan PeriodFor(TimeSpan timeout) => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, timeout.Ticks / Rounds));

    /// <summary>
    /// One watchdog round. <paramref name="sendStarted"/> is the timestamp at which the pending send
    /// started (0 when none is pending). Returns true when the send counts as stalled.
    /// </summary>
    public bool Observe(long sendStarted, long now, TimeSpan timeout, TimeProvider time)
    {
        if (sendStarted == 0)
        {
            _watchedSend = 0;
            _rounds = 0;
            return false;
        }

        if (sendStarted != _watchedSend)
        {
            _watchedSend = sendStarted;
            _rounds = 0;
        }

        _rounds++;
        return _rounds >= Rounds && time.GetElapsedTime(sendStarted, now) >= timeout;
    }
}
