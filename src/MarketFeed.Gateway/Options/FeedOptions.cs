namespace MarketFeed.Gateway.Options;

/// <summary>Server limits and behaviour (section "Feed"). See docs/operations.md for each key.</summary>
public sealed class FeedOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Feed";

    /// <summary>Symbol universe CSV; relative paths resolve against the config folder.</summary>
    public string UniverseFile { get; set; } = "symbols.csv";

    /// <summary>Tick source: "simulator" (default) or "replay" (see Replay section).</summary>
    public string Source { get; set; } = "simulator";

    /// <summary>Heartbeat period in milliseconds.</summary>
    public int HeartbeatIntervalMs { get; set; } = 1000;

    /// <summary>A connection whose pending send does not complete within this time is dropped (close 4002).</summary>
    public int SlowConsumerTimeoutMs { get; set; } = 5000;

    /// <summary>Most symbols one connection may hold.</summary>
    public int MaxSymbolsPerConnection { get; set; } = 1024;

    /// <summary>
    /// Ticks the live journal holds (rounded up to a power of two; 64 bytes each): how far a full-mode
    /// connection may fall behind before it is closed with 4001, and how far back a resume can reach.
    /// </summary>
    public int JournalCapacity { get; set; } = MarketFeed.Engine.EngineSettings.DefaultJournalCapacity;

    /// <summary>
    /// Removed (the per-connection full-mode queue became the shared journal): set only to be told
    /// so at start-up instead of having the key silently ignored.
    /// </summary>
    public int? FullQueueCapacity { get; set; }

    /// <summary>
    /// Longest time a connection's sender waits, after new market data wakes it, before it builds a
    /// frame: updates published meanwhile share the frame (conflated ones merge), which cuts socket
    /// writes and wake-ups per delivered update at the cost of up to this much latency (half on
    /// average). 0 = build the frame at once. Replies, errors and closes are never delayed.
    /// </summary>
    public int WriteDelayMs { get; set; }

    /// <summary>Soft limit of one outgoing frame in bytes; larger batches are split.</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Largest accepted control message in bytes (larger: error 413 and close 1009).</summary>
    public int MaxControlMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Sustained control messages per second per connection (token bucket rate).</summary>
    public double ControlMessagesPerSecond { get; set; } = 50;

    /// <summary>Control message burst per connection (token bucket size).</summary>
    public int ControlMessageBurst { get; set; } = 100;

    /// <summary>Errors (bad or rate-limited messages) after which a connection is closed with 1008.</summary>
    public int MaxErrorsPerConnection { get; set; } = 100;

    /// <summary>
    /// Bytes one connection may have queued for it (replies, pending snapshots, full-mode ticks, at
    /// their estimated encoded size) before it is closed with 1008. Bounds what a client that sends
    /// control messages but does not read can make the server hold.
    /// </summary>
    public int MaxQueuedBytesPerConnection { get; set; } = 4 << 20;

    /// <summary>
    /// Time a new TCP connection has to send its complete upgrade request (Kestrel's keep-alive and
    /// request-headers timeouts); a connection that never sends one is closed.
    /// </summary>
    public int HandshakeTimeoutMs { get; set; } = 10_000;

    /// <summary>Period of WebSocket pings the server sends to each client (0 = none).</summary>
    public int PingIntervalMs { get; set; } = 5_000;

    /// <summary>
    /// A client that does not answer a ping (with the pong every WebSocket library sends by itself
    /// while it reads) within this time is dropped (logged and counted as 4004): finds half-open
    /// connections in seconds instead of at the TCP retransmission timeout.
    /// </summary>
    public int PingTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// Negotiate permessage-deflate (RFC 7692) when a client offers it; off by default. Safe against
    /// CRIME/BREACH-style length attacks here because no secret ever travels inside the WebSocket
    /// stream (the credential is only in the upgrade request, which the extension does not compress).
    /// Costs CPU per frame: docs/benchmarks.md, "permessage-deflate".
    /// </summary>
    public bool Compression { get; set; }

    /// <summary>Serve the dashboard's <c>*.map</c> source maps (404 otherwise; Release builds do not generate them).</summary>
    public bool ServeSourceMaps { get; set; }

    /// <summary>Most concurrent connections; further upgrades get HTTP 503.</summary>
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>
    /// Most concurrent WebSocket connections from one client IP address (IPv4-mapped IPv6 counts as
    /// IPv4); further upgrades get HTTP 429. Counted atomically before the upgrade is accepted, so a
    /// storm never overshoots. 0 = no limit (the default: behind a proxy every client has its address).
    /// </summary>
    public int MaxConnectionsPerIp { get; set; }

    /// <summary>How long a closing connection waits for the peer's close frame before aborting.</summary>
    public int CloseTimeoutMs { get; set; } = 2000;

    /// <summary>
    /// SIGTERM/Ctrl+C: the whole shutdown (close every client with 1001, stop the sources, flush
    /// the recorder) must end within this time (the host's ShutdownTimeout); clients that have not
    /// completed the close handshake after <see cref="CloseTimeoutMs"/> are aborted.
    /// </summary>
    public int ShutdownTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// SO_SNDBUF of accepted sockets in bytes (0 = kernel default with autotuning). Linux autotunes
    /// loopback/LAN send buffers up to <c>net.ipv4.tcp_wmem</c> max (4 MB by default), so a client that
    /// stops reading can absorb megabytes before a send pends and <see cref="SlowConsumerTimeoutMs"/>
    /// starts counting. A fixed buffer bounds that per connection and makes stall detection prompt.
    /// </summary>
    public int SocketSendBufferBytes { get; set; } = 256 * 1024;

    /// <summary>Throws with the key name if a value is out of range.</summary>
    public void Validate()
    {
        Check(HeartbeatIntervalMs is >= 50 and <= 600_000, nameof(HeartbeatIntervalMs), "50..600000");
        Check(SlowConsumerTimeoutMs is >= 100 and <= 600_000, nameof(SlowConsumerTimeoutMs), "100..600000");
        Check(WriteDelayMs is >= 0 and <= 1000, nameof(WriteDelayMs), "0..1000");
        Check(MaxSymbolsPerConnection is >= 1 and <= 1 << 20, nameof(MaxSymbolsPerConnection), "1..1048576");
        Check(JournalCapacity is >= 16 and <= 1 << 26, nameof(JournalCapacity), "16..67108864");
        if (FullQueueCapacity is not null)
        {
            throw new InvalidOperationException($"configuration {SectionName}:{nameof(FullQueueCapacity)} was removed: full-mode connections read the shared journal, sized by {SectionName}:{nameof(JournalCapacity)} (see docs/operations.md)");
        }

        Check(MaxFrameBytes is >= 1024 and <= 16 << 20, nameof(MaxFrameBytes), "1024..16777216");
        Check(MaxControlMessageBytes is >= 256 and <= 16 << 20, nameof(MaxControlMessageBytes), "256..16777216");
        Check(ControlMessagesPerSecond > 0, nameof(ControlMessagesPerSecond), "> 0");
        Check(ControlMessageBurst >= 1, nameof(ControlMessageBurst), ">= 1");
        Check(MaxErrorsPerConnection >= 1, nameof(MaxErrorsPerConnection), ">= 1");
        Check(MaxQueuedBytesPerConnection >= 64 * 1024, nameof(MaxQueuedBytesPerConnection), ">= 65536");
        Check(HandshakeTimeoutMs is >= 100 and <= 600_000, nameof(HandshakeTimeoutMs), "100..600000");
        Check(PingIntervalMs is 0 or (>= 50 and <= 600_000), nameof(PingIntervalMs), "0 or 50..600000");
        Check(PingTimeoutMs is >= 50 and <= 600_000, nameof(PingTimeoutMs), "50..600000");
        Check(MaxConnections >= 1, nameof(MaxConnections), ">= 1");
        Check(MaxConnectionsPerIp >= 0, nameof(MaxConnectionsPerIp), ">= 0 (0 = no limit)");
        Check(CloseTimeoutMs is >= 10 and <= 60_000, nameof(CloseTimeoutMs), "10..60000");
        Check(ShutdownTimeoutMs is >= 1000 and <= 600_000, nameof(ShutdownTimeoutMs), "1000..600000");
        Check(SocketSendBufferBytes is 0 or (>= 4096 and <= 64 << 20), nameof(SocketSendBufferBytes), "0 or 4096..67108864");
        Check(Source is "simulator" or "replay" or "none", nameof(Source), "\"simulator\", \"replay\" or \"none\"");
    }

    private static void Check(bool ok, string key, string range)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"configuration {SectionName}:{key} must be {range}");
        }
    }
}
