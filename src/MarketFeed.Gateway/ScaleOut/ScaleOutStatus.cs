using System.Diagnostics.Metrics;
using MarketFeed.Gateway.Diagnostics;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// What a scale-out node reports on /health and /metrics (docs/scale-out.md, "Node metrics").
/// Updated per NATS message or event, never per tick; read from any thread.
/// </summary>
public sealed class ScaleOutStatus(string role) : IDisposable
{
    private Meter? _meter;
    private long _connected;
    private long _disconnects;
    private long _messages;
    private long _ticks;
    private long _globalSequence;
    private long _bufferedTicks;
    private long _droppedTicks;
    private long _snapshots;
    private long _lastTickTimestamp;
    private string? _failure;
    private Func<long>? _bufferedSource;

    /// <summary><c>ingest</c> or <c>gateway</c>.</summary>
    public string Role { get; } = role;

    /// <summary>True while the NATS connection is open.</summary>
    public bool Connected => Interlocked.Read(ref _connected) != 0;

    /// <summary>NATS disconnections since start.</summary>
    public long Disconnects => Interlocked.Read(ref _disconnects);

    /// <summary>Tick batches published (ingest) or applied (gateway).</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Ticks published (ingest, acknowledged by JetStream) or applied (gateway).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Global sequence of the newest tick published (ingest) or applied (gateway).</summary>
    public long GlobalSequence => Interlocked.Read(ref _globalSequence);

    /// <summary>Ingest: ticks sequenced but not yet acknowledged by JetStream.</summary>
    public long BufferedTicks => Volatile.Read(ref _bufferedSource) is { } source ? source() : Interlocked.Read(ref _bufferedTicks);

    /// <summary>Ingest: ticks that did not fit the publish buffer (then publishing stopped).</summary>
    public long DroppedTicks => Interlocked.Read(ref _droppedTicks);

    /// <summary>Snapshots published (ingest) or seen (gateway).</summary>
    public long Snapshots => Interlocked.Read(ref _snapshots);

    /// <summary>Source timestamp (ns since the Unix epoch) of the newest tick.</summary>
    public long LastTickTimestamp => Interlocked.Read(ref _lastTickTimestamp);

    /// <summary>Why the node stopped carrying the feed, or null.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>"ok", "upstream_lost" (NATS down; the node recovers by itself) or "failed".</summary>
    public string State => Failure is not null ? "failed" : Connected ? "ok" : "upstream_lost";

    internal void SetConnected(bool connected)
    {
        if (Interlocked.Exchange(ref _connected, connected ? 1 : 0) == 1 && !connected)
        {
            Interlocked.Increment(ref _disconnects);
        }
    }

    internal void Batch(int ticks, long lastGlobalSequence, long lastTimestamp)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _ticks, ticks);
        Interlocked.Exchange(ref _globalSequence, lastGlobalSequence);
        Interlocked.Exchange(ref _lastTickTimestamp, lastTimestamp);
    }

    internal void SetGlobalSequence(long globalSequence) => Interlocked.Exchange(ref _globalSequence, globalSequence);

    internal void SetBuffered(long ticks) => Interlocked.Exchange(ref _bufferedTicks, ticks);

    /// <summary>Reads the buffered count live (the ingest's ring) instead of the last value set: it grows while a publish hangs.</summary>
    internal void SetBufferedSource(Func<long> source) => Volatile.Write(ref _bufferedSource, source);

    internal void Dropped(long ticks) => Interlocked.Exchange(ref _droppedTicks, ticks);

    internal void Snapshot() => Interlocked.Increment(ref _snapshots);

    internal void Fail(string reason) => Interlocked.CompareExchange(ref _failure, reason, null);

    /// <summary>The /health section.</summary>
    public Dictionary<string, object?> Health() => new()
    {
        ["role"] = Role,
        ["state"] = State,
        ["natsConnected"] = Connected,
        ["natsDisconnects"] = Disconnects,
        ["globalSequence"] = GlobalSequence,
        ["ticks"] = Ticks,
        ["bufferedTicks"] = BufferedTicks,
        ["droppedTicks"] = DroppedTicks,
        ["failure"] = Failure,
    };

    /// <summary>
    /// Publishes the node's counters as observable instruments of this host's meter, exported on
    /// /metrics as <c>marketfeed_scaleout_*</c> (docs/operations.md); the meter lives as long as the node.
    /// </summary>
    internal void CreateInstruments(MetricsScope scope)
    {
        _meter = scope.CreateMeter();
        _meter.CreateObservableGauge("marketfeed.scaleout.nats_connected", () => Connected ? 1 : 0, null, "1 while the NATS connection is open");
        _meter.CreateObservableCounter("marketfeed.scaleout.nats_disconnects", () => Disconnects, "{disconnect}", "NATS disconnections since start");
        _meter.CreateObservableCounter("marketfeed.scaleout.messages", () => Messages, "{message}", "Tick batches published (ingest) or applied (gateway)");
        _meter.CreateObservableCounter("marketfeed.scaleout.ticks", () => Ticks, "{tick}", "Ticks published and acknowledged (ingest) or applied (gateway)");
        _meter.CreateObservableGauge("marketfeed.scaleout.global_sequence", () => GlobalSequence, null, "Global sequence of the newest tick published or applied");
        _meter.CreateObservableGauge("marketfeed.scaleout.buffered_ticks", () => BufferedTicks, "{tick}", "Ingest: ticks sequenced but not yet acknowledged by JetStream");
        _meter.CreateObservableCounter("marketfeed.scaleout.dropped_ticks", () => DroppedTicks, "{tick}", "Ingest: ticks that did not fit the publish buffer (publishing stopped)");
        _meter.CreateObservableCounter("marketfeed.scaleout.snapshots", () => Snapshots, "{snapshot}", "Snapshots published (ingest) or seen (gateway)");
        _meter.CreateObservableGauge("marketfeed.scaleout.failed", () => Failure is null ? 0 : 1, null, "1 once the node stopped carrying the feed (see /health)");
    }

    /// <summary>Releases the node's meter.</summary>
    public void Dispose() => _meter?.Dispose();
}
