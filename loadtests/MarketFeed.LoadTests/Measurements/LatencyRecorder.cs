using HdrHistogram;

namespace MarketFeed.LoadTests.Measurements;

/// <summary>
/// A latency recorder (microseconds) that many client threads write while a sampler takes
/// interval histograms: a few HdrHistogram <see cref="Recorder"/> shards picked by client index,
/// so clients on different threads rarely contend, and per-second intervals cost one swap per shard.
/// </summary>
/// <remarks>Any thread may call <see cref="Record"/>; only the sampler thread calls
/// <see cref="TakeInterval"/> and <see cref="Cumulative"/>.</remarks>
public sealed class LatencyRecorder
{
    /// <summary>Highest trackable value: 120 s in microseconds.</summary>
    public const long HighestMicros = 120_000_000;

    private readonly Recorder[] _shards;
    private readonly LongHistogram _cumulative = NewHistogram();
    private HistogramBase?[] _recycle;

    /// <summary>Creates a recorder with <paramref name="shards"/> shards.</summary>
    public LatencyRecorder(int shards = 16)
    {
        _shards = new Recorder[shards];
        _recycle = new HistogramBase?[shards];
        for (int i = 0; i < shards; i++)
        {
            _shards[i] = new Recorder(1, HighestMicros, 3, (id, low, high, digits) => new LongHistogram(id, low, high, digits));
        }
    }

    /// <summary>All values recorded since the last <see cref="ResetCumulative"/>, up to the last interval taken.</summary>
    public LongHistogram Cumulative => _cumulative;

    /// <summary>Creates an empty histogram with this recorder's range.</summary>
    public static LongHistogram NewHistogram() => new(1, HighestMicros, 3);

    /// <summary>Records one latency in microseconds (clamped into range) from client <paramref name="client"/>.</summary>
    public void Record(int client, long micros)
    {
        _shards[client & (_shards.Length - 1)].RecordValue(Math.Clamp(micros, 1, HighestMicros));
    }

    /// <summary>Swaps every shard and returns the values recorded since the previous call; adds them to <see cref="Cumulative"/>.</summary>
    public LongHistogram TakeInterval()
    {
        var interval = NewHistogram();
        for (int i = 0; i < _shards.Length; i++)
        {
            var h = _recycle[i] is { } r ? _shards[i].GetIntervalHistogram(r) : _shards[i].GetIntervalHistogram();
            interval.Add(h);
            _recycle[i] = h;
        }

        _cumulative.Add(interval);
        return interval;
    }

    /// <summary>Drops everything recorded so far (end of warm-up).</summary>
    public void ResetCumulative()
    {
        TakeInterval();
        _cumulative.Reset();
    }
}
