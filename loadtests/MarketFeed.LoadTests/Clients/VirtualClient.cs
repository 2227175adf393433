using MarketFeed.LoadTests.Measurements;
using MarketFeed.LoadTests.Running;

namespace MarketFeed.LoadTests.Clients;

/// <summary>One simulated subscriber: connects at a scheduled time, subscribes, and reads until cancelled.</summary>
public abstract class VirtualClient(int index, ClientSpec spec, RunContext context)
{
    /// <summary>Time allowed for connect and for the subscribe ack.</summary>
    protected static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(15);

    private TimeSpan _nextPause = TimeSpan.Zero;

    /// <summary>Client index (picks the latency shard).</summary>
    public int Index { get; } = index;

    /// <summary>What it subscribes to and how it reads.</summary>
    public ClientSpec Spec { get; } = spec;

    /// <summary>Counters.</summary>
    public ClientStats Stats { get; } = new();

    /// <summary>Shared run state.</summary>
    protected RunContext Context { get; } = context;

    /// <summary>Connects (scheduled at <paramref name="scheduledStart"/> run time), subscribes and reads until <paramref name="cancellationToken"/> fires or the server closes.</summary>
    public abstract Task RunAsync(TimeSpan scheduledStart, CancellationToken cancellationToken);

    /// <summary>Records connect latency from the scheduled start (so a late start counts against the server, not hidden).</summary>
    protected void ConnectedAt(TimeSpan scheduledStart)
    {
        Context.ConnectLatency.Record(Index, (long)(Context.Clock.Elapsed - scheduledStart).TotalMicroseconds);
        Stats.Connected = true;
    }

    /// <summary>Records subscribe-ack latency.</summary>
    protected void AckedAt(TimeSpan scheduledStart, TimeSpan sentAt)
    {
        var now = Context.Clock.Elapsed;
        Context.AckLatency.Record(Index, (long)(now - sentAt).TotalMicroseconds);
        Context.ReadyLatency.Record(Index, (long)(now - scheduledStart).TotalMicroseconds);
        Stats.Subscribed = true;
    }

    /// <summary>Records one update's end-to-end latency by role.</summary>
    protected void RecordLatency(long nowUnixNanos, long sourceTimestamp)
    {
        long micros = (nowUnixNanos - sourceTimestamp) / 1000;
        switch (Spec.Role)
        {
            case ClientRole.Fast: Context.FastLatency.Record(Index, micros); break;
            case ClientRole.SlowReader: Context.SlowLatency.Record(Index, micros); break;
        }
    }

    /// <summary>For stallers: true once it is time to stop reading (and marks the stall time).</summary>
    protected bool ShouldStall()
    {
        if (Spec.Role != ClientRole.Staller || Stats.StalledAt is not null)
        {
            return false;
        }

        var now = Context.Clock.Elapsed;
        if (now < Spec.StallAt)
        {
            return false;
        }

        Stats.StalledAt = now;
        return true;
    }

    /// <summary>For slow readers: the pause to take now, or zero.</summary>
    protected TimeSpan SlowPauseDue()
    {
        if (Spec.Role != ClientRole.SlowReader)
        {
            return TimeSpan.Zero;
        }

        var now = Context.Clock.Elapsed;
        if (_nextPause == TimeSpan.Zero)
        {
            _nextPause = now + Spec.SlowReadFor;
            return TimeSpan.Zero;
        }

        if (now < _nextPause)
        {
            return TimeSpan.Zero;
        }

        _nextPause = now + Spec.SlowPause + Spec.SlowReadFor;
        return Spec.SlowPause;
    }

    /// <summary>Marks the connection closed by the peer (close code or 1006 for an abort).</summary>
    protected void ClosedByServer(int code, string? reason)
    {
        Stats.CloseCode = code;
        Stats.ClosedAt = Context.Clock.Elapsed;
        if (Spec.Role != ClientRole.Staller)
        {
            Stats.Failed = true;
            Stats.Error ??= $"closed by server: {code} {reason}";
        }
    }

    /// <summary>Marks a failure during setup.</summary>
    protected void SetupFailed(string error)
    {
        Stats.Failed = true;
        Stats.Error ??= error;
        Interlocked.Increment(ref Context.ConnectFailures);
    }

    /// <summary>Shared sequence checker per symbol id.</summary>
    protected static long[] NewSequenceArray(int symbols) => new long[Math.Max(symbols, 1)];

    /// <summary>Wall clock for latency.</summary>
    protected static long Now() => RunClock.NowUnixNanos();
}
