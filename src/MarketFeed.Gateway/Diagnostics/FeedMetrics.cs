using System.Diagnostics.Metrics;
using MarketFeed.Core.Concurrency;
using MarketFeed.Engine;

namespace MarketFeed.Gateway.Diagnostics;

/// <summary>
/// Server instruments on the <see cref="System.Diagnostics.Metrics"/> meter <c>MarketFeed.Server</c>.
/// <c>/metrics</c> exports every instrument of that meter through OpenTelemetry's Prometheus exporter
/// (no hand-written text, so the two cannot drift). Names, types, units and labels are listed in
/// docs/operations.md ("Metrics").
/// </summary>
/// <remarks>
/// Counters are updated with <c>Interlocked</c> per frame or per event, never per tick; the two
/// histograms are recorded once per frame without tags (allocation-free, guarded by
/// <c>MetricsAllocationTests</c>).
/// </remarks>
public sealed class FeedMetrics : IDisposable
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "MarketFeed.Server";

    /// <summary>Identity classes of the <c>auth</c> label (see <c>ClientIdentity.Kind</c>).</summary>
    internal static readonly string[] AuthClasses = ["anonymous", "api-key", "jwt"];

    /// <summary>The <c>reason</c> label of <c>marketfeed.drops</c>, one per close code the server drops with.</summary>
    internal static readonly string[] DropReasons = ["overflow", "stalled", "policy", "too_big", "ping_timeout"];

    private static readonly double[] s_sendSecondsBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly int[] s_frameBytesBuckets = [64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144];

    private readonly Meter _meter;
    private readonly ConflationEngine _engine;
    private readonly Func<int> _connections;
    private readonly Func<long> _maxQueueDepth;
    private readonly Func<IdentityCounts>? _byIdentity;
    private readonly Histogram<double> _sendSeconds;
    private readonly Histogram<int> _frameBytes;
    private PaddedLong _updatesOut;
    private PaddedLong _framesOut;
    private PaddedLong _bytesOut;
    private PaddedLong _controlMessages;
    private PaddedLong _controlErrors;
    private PaddedLong _connectionsOpened;
    private readonly long[] _drops = new long[5];

    /// <summary>Creates the metrics for an engine and a connection count source.</summary>
    public FeedMetrics(ConflationEngine engine, Func<int> connections, Func<long> maxQueueDepth)
        : this(engine, connections, maxQueueDepth, null, null)
    {
    }

    /// <summary>Creates the metrics with a source of per-identity-class connection and subscription counts.</summary>
    internal FeedMetrics(ConflationEngine engine, Func<int> connections, Func<long> maxQueueDepth, Func<IdentityCounts>? byIdentity, MetricsScope? scope)
    {
        _engine = engine;
        _connections = connections;
        _maxQueueDepth = maxQueueDepth;
        _byIdentity = byIdentity;
        _meter = scope?.CreateMeter() ?? new Meter(MeterName, "1.0");
        _meter.CreateObservableCounter("marketfeed.ticks_in", () => _engine.TicksIn, "{tick}", "Ticks published into the engine");
        _meter.CreateObservableCounter("marketfeed.updates_out", () => _updatesOut.ReadVolatile(), "{message}", "Market data messages sent to clients");
        _meter.CreateObservableCounter("marketfeed.frames_out", () => _framesOut.ReadVolatile(), "{frame}", "WebSocket frames sent");
        _meter.CreateObservableCounter("marketfeed.bytes_out", () => _bytesOut.ReadVolatile(), "By", "Payload bytes sent (before any permessage-deflate)");
        _meter.CreateObservableCounter("marketfeed.control_messages", () => _controlMessages.ReadVolatile(), "{message}", "Control messages received");
        _meter.CreateObservableCounter("marketfeed.control_errors", () => _controlErrors.ReadVolatile(), "{message}", "Error replies sent");
        _meter.CreateObservableCounter("marketfeed.connections_opened", () => _connectionsOpened.ReadVolatile(), "{connection}", "Connections accepted");
        _meter.CreateObservableUpDownCounter("marketfeed.connections", () => _connections(), "{connection}", "Open connections");
        _meter.CreateObservableGauge("marketfeed.max_queue_depth", () => _maxQueueDepth(), "{tick}", "Largest full-mode journal lag (ticks) over all connections");
        _meter.CreateObservableCounter("marketfeed.full_queue_overflows", () => _engine.OverflowDrops, "{subscriber}", "Full-mode subscribers dropped because the journal lapped them");
        _meter.CreateObservableCounter("marketfeed.drops", ObserveDrops, "{connection}", "Connections dropped by the server, by reason");
        _meter.CreateObservableUpDownCounter("marketfeed.auth.connections", () => ObserveByIdentity(subscriptions: false), "{connection}", "Open connections by identity class (auth: anonymous, api-key, jwt)");
        _meter.CreateObservableUpDownCounter("marketfeed.auth.subscriptions", () => ObserveByIdentity(subscriptions: true), "{subscription}", "Live symbol subscriptions by identity class (auth: anonymous, api-key, jwt)");
        _sendSeconds = _meter.CreateHistogram(
            "marketfeed.send.duration",
            "s",
            "Time one WebSocket frame took to send (socket write until the transport took it)",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_sendSecondsBuckets });
        _frameBytes = _meter.CreateHistogram(
            "marketfeed.frame.size",
            "By",
            "Payload size of one data frame (before any permessage-deflate)",
            tags: null,
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = s_frameBytesBuckets });
        _meter.CreateObservableGauge("process.working_set", () => Environment.WorkingSet, "By", "Process working set");
        _meter.CreateObservableGauge("dotnet.gc.heap", () => GC.GetGCMemoryInfo().HeapSizeBytes, "By", "Managed heap size at the last GC");
        _meter.CreateObservableCounter("process.cpu", () => Environment.CpuUsage.TotalTime.TotalSeconds, "s", "Process CPU time");
    }

    /// <summary>Slow consumers dropped for queue overflow (4001).</summary>
    public long DropsOverflow => Volatile.Read(ref _drops[0]);

    /// <summary>Slow consumers dropped for a stalled send (4002).</summary>
    public long DropsStalled => Volatile.Read(ref _drops[1]);

    /// <summary>Connections dropped because they did not answer pings (4004).</summary>
    public long DropsPingTimeout => Volatile.Read(ref _drops[4]);

    /// <summary>Market data messages sent.</summary>
    public long UpdatesOut => _updatesOut.ReadVolatile();

    /// <summary>Counts one sent frame and records its size.</summary>
    public void FrameSent(int updates, int bytes)
    {
        Interlocked.Add(ref _updatesOut.Value, updates);
        _framesOut.Increment();
        Interlocked.Add(ref _bytesOut.Value, bytes);
        _frameBytes.Record(bytes);
    }

    /// <summary>Records how long one frame's send took.</summary>
    public void SendCompleted(TimeSpan elapsed) => _sendSeconds.Record(elapsed.TotalSeconds);

    /// <summary>Counts a received control message.</summary>
    public void ControlMessage() => _controlMessages.Increment();

    /// <summary>Counts an error reply.</summary>
    public void ControlError() => _controlErrors.Increment();

    /// <summary>Counts an accepted connection.</summary>
    public void ConnectionOpened() => _connectionsOpened.Increment();

    /// <summary>Counts a drop by close code (other codes are not drops and are ignored).</summary>
    public void Dropped(int closeCode)
    {
        int reason = closeCode switch
        {
            Protocol.CloseCodes.SlowConsumerOverflow => 0,
            Protocol.CloseCodes.SlowConsumerStalled => 1,
            Protocol.CloseCodes.PolicyViolation => 2,
            Protocol.CloseCodes.MessageTooBig => 3,
            Protocol.CloseCodes.PingTimeout => 4,
            _ => -1,
        };
        if (reason >= 0)
        {
            Interlocked.Increment(ref _drops[reason]);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private Measurement<long>[] ObserveDrops()
    {
        var measurements = new Measurement<long>[DropReasons.Length];
        for (int i = 0; i < measurements.Length; i++)
        {
            measurements[i] = new Measurement<long>(Volatile.Read(ref _drops[i]), new KeyValuePair<string, object?>("reason", DropReasons[i]));
        }

        return measurements;
    }

    private Measurement<int>[] ObserveByIdentity(bool subscriptions)
    {
        IdentityCounts counts = _byIdentity?.Invoke() ?? IdentityCounts.Empty;
        var measurements = new Measurement<int>[AuthClasses.Length];
        for (int i = 0; i < measurements.Length; i++)
        {
            int value = subscriptions ? counts.Subscriptions(i) : counts.Connections(i);
            measurements[i] = new Measurement<int>(value, new KeyValuePair<string, object?>("auth", AuthClasses[i]));
        }

        return measurements;
    }
}
