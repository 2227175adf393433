using System.Globalization;
using System.Text;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// What a scale-out node reports on /health and /metrics (docs/scale-out.md, "Node metrics").
/// Updated per NATS message or event, never per tick; read from any thread.
/// </summary>
public sealed class ScaleOutStatus(string role)
{
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
    public long BufferedTicks => Interlocked.Read(ref _bufferedTicks);

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

    /// <summary>Prometheus text of the node's counters.</summary>
    public string ToPrometheusText()
    {
        var sb = new StringBuilder(1024);
        Append(sb, "marketfeed_scaleout_nats_connected", "gauge", "1 while the NATS connection is open", Connected ? 1 : 0);
        Append(sb, "marketfeed_scaleout_nats_disconnects_total", "counter", "NATS disconnections since start", Disconnects);
        Append(sb, "marketfeed_scaleout_messages_total", "counter", "Tick batches published (ingest) or applied (gateway)", Messages);
        Append(sb, "marketfeed_scaleout_ticks_total", "counter", "Ticks published and acknowledged (ingest) or applied (gateway)", Ticks);
        Append(sb, "marketfeed_scaleout_global_sequence", "gauge", "Global sequence of the newest tick published or applied", GlobalSequence);
        Append(sb, "marketfeed_scaleout_buffered_ticks", "gauge", "Ingest: ticks sequenced but not yet acknowledged by JetStream", BufferedTicks);
        Append(sb, "marketfeed_scaleout_dropped_ticks_total", "counter", "Ingest: ticks that did not fit the publish buffer (publishing stopped)", DroppedTicks);
        Append(sb, "marketfeed_scaleout_snapshots_total", "counter", "Snapshots published (ingest) or seen (gateway)", Snapshots);
        Append(sb, "marketfeed_scaleout_failed", "gauge", "1 once the node stopped carrying the feed (see /health)", Failure is null ? 0 : 1);
        return sb.ToString();

        static void Append(StringBuilder sb, string name, string type, string help, long value) =>
            sb.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n{name} {value}\n");
    }
}
