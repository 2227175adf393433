using System.Net.Security;

namespace MarketFeed.Client;

/// <summary>Settings of a <see cref="MarketFeedClient"/>. Read once when the client is created.</summary>
public sealed class MarketFeedClientOptions
{
    /// <summary>Default WebSocket subprotocol of protocol version 1.</summary>
    public const string DefaultSubProtocol = "marketfeed.v1";

    /// <summary>Server endpoint, e.g. <c>ws://127.0.0.1:5080/ws/v1</c>.</summary>
    public Uri Uri { get; set; } = new("ws://127.0.0.1:5080/ws/v1");

    /// <summary>
    /// More endpoints of the same feed (scale-out gateways sharing one epoch, docs/scale-out.md).
    /// The first connect tries <see cref="Uri"/> and then these in turn; a lost connection is
    /// re-established on the next endpoint in turn (at once, without backoff, for the first try),
    /// resuming every subscription there (<see cref="ResumeOnReconnect"/>).
    /// </summary>
    public IList<Uri> FailoverUris { get; set; } = [];

    /// <summary>WebSocket subprotocol to offer; null offers none.</summary>
    public string? SubProtocol { get; set; } = DefaultSubProtocol;

    /// <summary>Time allowed for the WebSocket handshake plus the server's welcome message.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for the reply to a request (subscribe, ping, ...).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Reconnect after a lost connection (not after the application closed it, nor after close codes 1003/1008/1009).</summary>
    public bool AutoReconnect { get; set; } = true;

    /// <summary>Delay before the first reconnect attempt; doubled per failed attempt.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Upper bound of the reconnect delay.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Random spread of each reconnect delay, as a fraction (0.2 = ±20%), so that many clients do not reconnect in lockstep.</summary>
    public double ReconnectJitter { get; set; } = 0.2;

    /// <summary>Failed reconnect attempts in a row before giving up (state <see cref="ConnectionState.Closed"/>); 0 = never give up.</summary>
    public int MaxReconnectAttempts { get; set; }

    /// <summary>
    /// The connection is considered dead when nothing arrived for this many heartbeat intervals (protocol: 3).
    /// 0 turns the heartbeat watchdog off (the application watches the connection itself, e.g. a load generator
    /// that must not abort connections of its own accord).
    /// </summary>
    public double HeartbeatTimeoutMultiplier { get; set; } = 3;

    /// <summary>Heartbeat interval assumed when the welcome message does not carry <c>heartbeatMs</c>.</summary>
    public TimeSpan DefaultHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Capacity (messages) of the channel behind <see cref="MarketFeedClient.ReadAllAsync"/>.</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>What happens when the application does not read and the channel is full.</summary>
    public MessageOverflowPolicy OverflowPolicy { get; set; } = MessageOverflowPolicy.DropAndReport;

    /// <summary>On a full-mode sequence gap, resubscribe the symbol to get a fresh snapshot (protocol section 7).</summary>
    public bool ResubscribeOnGap { get; set; } = true;

    /// <summary>
    /// After a reconnect, resubscribe with the previous connection's epoch and each symbol's last
    /// <c>seq</c> (protocol section 7.1): recovered symbols continue without a gap or a snapshot
    /// (full mode: the missed ticks first). The outcome is published as a
    /// <see cref="SubscriptionsResumedMessage"/>. False: every symbol gets a fresh snapshot.
    /// </summary>
    public bool ResumeOnReconnect { get; set; } = true;

    /// <summary>
    /// Decode quote and trade messages into records, keep the state cache, check sequences and publish them to
    /// <see cref="MarketFeedClient.ReadAllAsync"/>. Set false for load generators that use <see cref="FrameHandler"/>:
    /// market data is then skipped without allocating; control messages are still decoded and handled.
    /// </summary>
    public bool DecodeMarketData { get; set; } = true;

    /// <summary>Optional low-level hook called with every raw binary frame and its receive time.</summary>
    public RawFrameHandler? FrameHandler { get; set; }

    /// <summary>
    /// Optional low-level handler that gets the connection's handshake, every binary frame and each of its messages in wire
    /// order, quotes and trades without allocating (one read of the frame, shared with the client's own handling).
    /// Needs <see cref="DecodeMarketData"/> = false. See <see cref="IRawFeedHandler"/>.
    /// </summary>
    public IRawFeedHandler? RawHandler { get; set; }

    /// <summary>
    /// Optional HTTP invoker for the WebSocket upgrade (<c>ClientWebSocket.ConnectAsync(uri, invoker, ...)</c>), e.g. a
    /// <see cref="System.Net.Http.SocketsHttpHandler"/> whose <c>ConnectCallback</c> binds a local source address or sets
    /// socket buffer sizes. The client does not dispose it; one invoker may serve many clients. TLS settings then belong
    /// to the handler (<c>SslOptions</c>): it cannot be combined with <see cref="PinnedServerCertificateSha256"/> or
    /// <see cref="RemoteCertificateValidation"/>. Null (default): the WebSocket's own connection.
    /// </summary>
    public System.Net.Http.HttpMessageInvoker? HttpInvoker { get; set; }

    /// <summary>Clock for timeouts, heartbeat checks, backoff delays and receive timestamps (tests use a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// wss:// only: trust exactly the server certificate whose SHA-256 fingerprint (hex, colons and
    /// spaces allowed: <c>openssl x509 -noout -fingerprint -sha256</c>) is given, e.g. a self-signed
    /// one. Chain and host-name errors are ignored for that certificate; any other certificate is
    /// refused, even one a public CA signed (pinning). Null (default): the system's normal validation.
    /// </summary>
    public string? PinnedServerCertificateSha256 { get; set; }

    /// <summary>
    /// wss:// only: a custom server-certificate check (e.g. a private CA); it replaces the system's
    /// validation and <see cref="PinnedServerCertificateSha256"/>. Null (default): not used.
    /// </summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; set; }

    /// <summary>Initial size of the receive buffer; it grows to the largest frame seen.</summary>
    public int ReceiveBufferSize { get; set; } = 64 * 1024;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Uri is null || (Uri.Scheme != "ws" && Uri.Scheme != "wss"))
        {
            throw new ArgumentException("Uri must be a ws:// or wss:// address", nameof(Uri));
        }

        if (FailoverUris is null || FailoverUris.Any(u => u is null || (u.Scheme != "ws" && u.Scheme != "wss")))
        {
            throw new ArgumentException("FailoverUris must be ws:// or wss:// addresses", nameof(FailoverUris));
        }

        if (ChannelCapacity < 1)
        {
            throw new ArgumentException("ChannelCapacity must be at least 1", nameof(ChannelCapacity));
        }

        if (HeartbeatTimeoutMultiplier < 0 || ReconnectJitter is < 0 or > 1 || ReconnectInitialDelay < TimeSpan.Zero || ReconnectMaxDelay < ReconnectInitialDelay)
        {
            throw new ArgumentException("heartbeat multiplier must be 0 (off) or positive, jitter in 0..1, and 0 <= initial delay <= max delay");
        }

        if (ConnectTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero || DefaultHeartbeatInterval <= TimeSpan.Zero || ReceiveBufferSize < 256 || MaxReconnectAttempts < 0)
        {
            throw new ArgumentException("timeouts and heartbeat interval must be positive, ReceiveBufferSize >= 256, MaxReconnectAttempts >= 0");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (RawHandler is not null && DecodeMarketData)
        {
            throw new ArgumentException("RawHandler needs DecodeMarketData = false (market data goes to the handler instead of the client's decoder)", nameof(RawHandler));
        }

        if (HttpInvoker is not null && (PinnedServerCertificateSha256 is not null || RemoteCertificateValidation is not null))
        {
            throw new ArgumentException("HttpInvoker cannot be combined with PinnedServerCertificateSha256 or RemoteCertificateValidation: set certificate validation on the invoker's handler (SocketsHttpHandler.SslOptions)", nameof(HttpInvoker));
        }

        if (PinnedServerCertificateSha256 is not null && ServerCertificatePin.Parse(PinnedServerCertificateSha256) is null)
        {
            throw new ArgumentException("PinnedServerCertificateSha256 must be 64 hex digits (32 bytes; colons and spaces allowed)", nameof(PinnedServerCertificateSha256));
        }
    }
}
