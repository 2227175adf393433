using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using MarketFeed.Engine;

namespace MarketFeed.Gateway.Diagnostics;

/// <summary>
/// Server counters, published through <see cref="System.Diagnostics.Metrics"/> (meter
/// <c>MarketFeed.Server</c>) and as Prometheus text on <c>/metrics</c>. Names are documented in
/// docs/operations.md.
/// </summary>
/// <remarks>Counters are updated with <c>Interlocked</c> per frame or per event, never per tick.</remarks>
public sealed class FeedMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "MarketFeed.Server";

    private readonly Meter _meter;
    private readonly ConflationEngine _engine;
    private readonly Func<int> _connections;
    private readonly Func<long> _maxQueueDepth;
    private PaddedLong _updatesOut;
    private PaddedLong _framesOut;
    private PaddedLong _bytesOut;
    private PaddedLong _controlMessages;
    private PaddedLong _controlErrors;
    private PaddedLong _connectionsOpened;
    private long _dropOverflow;
    private long _dropStalled;
    private long _dropPolicy;
    private long _dropTooBig;
    private long _dropPingTimeout;

    /// <summary>Creates the metrics for an engine and a connection count source.</summary>
    public FeedMetrics(ConflationEngine engine, Func<int> connections, Func<long> maxQueueDepth)
    {
        _engine = engine;
        _connections = connections;
        _maxQueueDepth = maxQueueDepth;
        _meter = new Meter(MeterName, "1.0");
        _meter.CreateObservableCounter("marketfeed.ticks_in", () => _engine.TicksIn, "{tick}", "Ticks published into the engine");
        _meter.CreateObservableCounter("marketfeed.updates_out", () => _updatesOut.ReadVolatile(), "{message}", "Market data messages sent to clients");
        _meter.CreateObservableCounter("marketfeed.frames_out", () => _framesOut.ReadVolatile(), "{frame}", "WebSocket frames sent");
        _meter.CreateObservableCounter("marketfeed.bytes_out", () => _bytesOut.ReadVolatile(), "By", "Payload bytes sent");
        _meter.CreateObservableCounter("marketfeed.control_messages", () => _controlMessages.ReadVolatile(), "{message}", "Control messages received");
        _meter.CreateObservableCounter("marketfeed.control_errors", () => _controlErrors.ReadVolatile(), "{message}", "Error replies sent");
        _meter.CreateObservableCounter("marketfeed.connections_opened", () => _connectionsOpened.ReadVolatile(), "{connection}", "Connections accepted");
        _meter.CreateObservableUpDownCounter("marketfeed.connections", () => _connections(), "{connection}", "Open connections");
        _meter.CreateObservableGauge("marketfeed.max_queue_depth", () => _maxQueueDepth(), "{tick}", "Deepest full-mode queue over all connections");
        _meter.CreateObservableCounter("marketfeed.drops", () => new[]
        {
            new Measurement<long>(Volatile.Read(ref _dropOverflow), new KeyValuePair<string, object?>("reason", "overflow")),
            new Measurement<long>(Volatile.Read(ref _dropStalled), new KeyValuePair<string, object?>("reason", "stalled")),
            new Measurement<long>(Volatile.Read(ref _dropPolicy), new KeyValuePair<string, object?>("reason", "policy")),
            new Measurement<long>(Volatile.Read(ref _dropTooBig), new KeyValuePair<string, object?>("reason", "too_big")),
            new Measurement<long>(Volatile.Read(ref _dropPingTimeout), new KeyValuePair<string, object?>("reason", "ping_timeout")),
        }, "{connection}", "Connections dropped by the server, by reason");
    }

    /// <summary>Slow consumers dropped for queue overflow (4001).</summary>
    public long DropsOverflow => Volatile.Read(ref _dropOverflow);

    /// <summary>Slow consumers dropped for a stalled send (4002).</summary>
    public long DropsStalled => Volatile.Read(ref _dropStalled);

    /// <summary>Market data messages sent.</summary>
    public long UpdatesOut => _updatesOut.ReadVolatile();

    /// <summary>Counts one sent frame.</summary>
    public void FrameSent(int updates, int bytes)
    {
        Interlocked.Add(ref _updatesOut.Value, updates);
        _framesOut.Increment();
        Interlocked.Add(ref _bytesOut.Value, bytes);
    }

    /// <summary>Counts a received control message.</summary>
    public void ControlMessage() => _controlMessages.Increment();

    /// <summary>Counts an error reply.</summary>
    public void ControlError() => _controlErrors.Increment();

    /// <summary>Counts an accepted connection.</summary>
    public void ConnectionOpened() => _connectionsOpened.Increment();

    /// <summary>Counts a drop by close code.</summary>
    public void Dropped(int closeCode)
    {
        switch (closeCode)
        {
            case Protocol.CloseCodes.SlowConsumerOverflow: Interlocked.Increment(ref _dropOverflow); break;
            case Protocol.CloseCodes.SlowConsumerStalled: Interlocked.Increment(ref _dropStalled); break;
            case Protocol.CloseCodes.PolicyViolation: Interlocked.Increment(ref _dropPolicy); break;
            case Protocol.CloseCodes.MessageTooBig: Interlocked.Increment(ref _dropTooBig); break;
            case Protocol.CloseCodes.PingTimeout: Interlocked.Increment(ref _dropPingTimeout); break;
        }
    }

    /// <summary>Writes all metrics in Prometheus text exposition format.</summary>
    public string ToPrometheusText()
    {
        var sb = new StringBuilder(2048);
        Counter(sb, "marketfeed_ticks_in_total", "Ticks published into the engine", _engine.TicksIn);
        Counter(sb, "marketfeed_updates_out_total", "Market data messages sent to clients", UpdatesOut);
        Counter(sb, "marketfeed_frames_out_total", "WebSocket frames sent", _framesOut.ReadVolatile());
        Counter(sb, "marketfeed_bytes_out_total", "Payload bytes sent", _bytesOut.ReadVolatile());
        Counter(sb, "marketfeed_control_messages_total", "Control messages received", _controlMessages.ReadVolatile());
        Counter(sb, "marketfeed_control_errors_total", "Error replies sent", _controlErrors.ReadVolatile());
        Counter(sb, "marketfeed_connections_opened_total", "Connections accepted", _connectionsOpened.ReadVolatile());
        Gauge(sb, "marketfeed_connections", "Open connections", _connections());
        Gauge(sb, "marketfeed_max_queue_depth", "Deepest full-mode queue over all connections", _maxQueueDepth());
        Counter(sb, "marketfeed_full_queue_overflows_total", "Full-mode subscribers whose queue overflowed", _engine.OverflowDrops);
        sb.Append("# HELP marketfeed_drops_total Connections dropped by the server, by reason\n# TYPE marketfeed_drops_total counter\n");
        Labeled(sb, "overflow", DropsOverflow);
        Labeled(sb, "stalled", DropsStalled);
        Labeled(sb, "policy", Volatile.Read(ref _dropPolicy));
        Labeled(sb, "too_big", Volatile.Read(ref _dropTooBig));
        Labeled(sb, "ping_timeout", Volatile.Read(ref _dropPingTimeout));
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        Gauge(sb, "process_working_set_bytes", "Process working set", process.WorkingSet64);
        Gauge(sb, "dotnet_gc_heap_bytes", "Managed heap size", GC.GetGCMemoryInfo().HeapSizeBytes);
        Counter(sb, "process_cpu_seconds_total", "Process CPU time", process.TotalProcessorTime.TotalSeconds);
        return sb.ToString();

        static void Labeled(StringBuilder sb, string reason, long value) =>
            sb.Append("marketfeed_drops_total{reason=\"").Append(reason).Append("\"} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static void Counter(StringBuilder sb, string name, string help, double value) => Metric(sb, name, help, "counter", value);

    private static void Gauge(StringBuilder sb, string name, string help, double value) => Metric(sb, name, help, "gauge", value);

    private static void Metric(StringBuilder sb, string name, string help, string type, double value) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
          .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
