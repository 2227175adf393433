namespace MarketFeed.Gateway.ScaleOut;

/// <summary>Source-generated log messages of the scale-out roles (event ids 300-349).</summary>
internal static partial class ScaleOutLog
{
    [LoggerMessage(300, LogLevel.Information, "Scale-out role {Role}: NATS {Url}, subjects {Prefix}.*, stream {Stream}")]
    public static partial void Started(ILogger logger, string role, string url, string prefix, string stream);

    [LoggerMessage(301, LogLevel.Warning, "NATS connection lost ({Reason}); the node reconnects by itself")]
    public static partial void Disconnected(ILogger logger, string reason);

    [LoggerMessage(302, LogLevel.Information, "NATS connection open")]
    public static partial void Connected(ILogger logger);

    [LoggerMessage(303, LogLevel.Warning, "Publishing batch at global sequence {GlobalSequence} failed; retrying: {Reason}")]
    public static partial void PublishRetry(ILogger logger, long globalSequence, string reason);

    [LoggerMessage(304, LogLevel.Critical, "Scale-out publish buffer full ({Capacity} ticks): publishing to NATS stopped at global sequence {GlobalSequence}; gateways will stop at that point. Raise ScaleOut:PublishBufferTicks or fix NATS, then restart the ingest")]
    public static partial void PublishBufferFull(ILogger logger, int capacity, long globalSequence);

    [LoggerMessage(305, LogLevel.Information, "Gateway starts from the ingest's snapshot at global sequence {GlobalSequence} (epoch {Epoch}, {States} symbols with state), stream sequence {StreamSequence}")]
    public static partial void GatewaySeeded(ILogger logger, long globalSequence, long epoch, int states, ulong streamSequence);

    [LoggerMessage(306, LogLevel.Critical, "Gateway cannot carry the feed any further: {Reason}. Stopping (exit code 3); restart it to start over from the ingest's latest snapshot")]
    public static partial void GatewayFailed(ILogger logger, string reason);

    [LoggerMessage(307, LogLevel.Warning, "Gateway consumer stopped ({Reason}); resuming from stream sequence {StreamSequence}")]
    public static partial void ConsumerRestart(ILogger logger, string reason, ulong streamSequence);

    [LoggerMessage(308, LogLevel.Error, "Ingest publisher failed")]
    public static partial void PublisherFailed(ILogger logger, Exception exception);

    [LoggerMessage(309, LogLevel.Information, "Ingest stopping: waiting for JetStream to acknowledge {Count} ticks (global sequence {First}..{Last}) before the sequence state is saved")]
    public static partial void Draining(ILogger logger, long count, long first, long last);
}
