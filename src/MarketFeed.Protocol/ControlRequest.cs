using MarketFeed.Core;

namespace MarketFeed.Protocol;

/// <summary>
/// A client control message (docs/protocol.md section 5), parsed from a MessagePack map or a JSON
/// object by <see cref="ControlRequestParser"/>, or built by a client and written with
/// <see cref="ControlRequestWriter"/>.
/// </summary>
public sealed class ControlRequest
{
    /// <summary>Operation name, e.g. "subscribe".</summary>
    public required string Op { get; init; }

    /// <summary>Request id echoed in replies (0 if absent).</summary>
    public long Id { get; init; }

    /// <summary>Symbols (subscribe, unsubscribe, replay).</summary>
    public IReadOnlyList<string>? Symbols { get; init; }

    /// <summary>Delivery mode (subscribe, replay); null if absent.</summary>
    public DeliveryMode? Mode { get; init; }

    /// <summary>Max updates per second per symbol; null if absent.</summary>
    public int? Throttle { get; init; }

    /// <summary>Whether snapshots are wanted on subscribe (default true).</summary>
    public bool Snapshot { get; init; } = true;

    /// <summary>Subscribe with resume: the server epoch the <see cref="Resume"/> sequences come from (its welcome's <c>epoch</c>).</summary>
    public long? Epoch { get; init; }

    /// <summary>Subscribe with resume: per symbol name, the last <c>seq</c> the client holds.</summary>
    public IReadOnlyDictionary<string, long>? Resume { get; init; }

    /// <summary>Client time (ping) or seek target (replay.seek), ns since the epoch.</summary>
    public long? Time { get; init; }

    /// <summary>Prefix filter (symbols).</summary>
    public string? Match { get; init; }

    /// <summary>Dataset name (replay).</summary>
    public string? Dataset { get; init; }

    /// <summary>Replay range start, ns since the epoch.</summary>
    public long? From { get; init; }

    /// <summary>Replay range end, ns since the epoch.</summary>
    public long? To { get; init; }

    /// <summary>Replay speed: a positive multiplier, or <see cref="double.PositiveInfinity"/> for "max".</summary>
    public double? Speed { get; init; }

    /// <summary>Replay: go on past damaged parts of the dataset (end reason <c>damage-skipped</c>) instead of ending at the first (<c>damaged</c>).</summary>
    public bool SkipDamage { get; init; }

    /// <summary>
    /// Replay: at the end of the range, continue live on the replay's symbols (replay end reason
    /// <c>live</c>, then a subscribe ack with the replay request's id; docs/protocol.md section 6.1).
    /// </summary>
    public bool ContinueLive { get; init; }

    /// <summary>Replay session id (replay.* controls).</summary>
    public long? ReplayId { get; init; }

    /// <summary>One symbol (bars).</summary>
    public string? Symbol { get; init; }

    /// <summary>Bar interval, e.g. "1m" (bars).</summary>
    public string? Interval { get; init; }

    /// <summary>Only the newest this many bars (bars).</summary>
    public int? Last { get; init; }

    /// <summary>Bar intervals whose live bar updates a subscription (or replay) asks for, e.g. ["1m"]; null if absent.</summary>
    public IReadOnlyList<string>? Bars { get; init; }

    /// <summary>Operation names the server understands.</summary>
    public static class Ops
    {
        /// <summary>subscribe</summary>
        public const string Subscribe = "subscribe";

        /// <summary>unsubscribe</summary>
        public const string Unsubscribe = "unsubscribe";

        /// <summary>ping</summary>
        public const string Ping = "ping";

        /// <summary>symbols</summary>
        public const string Symbols = "symbols";

        /// <summary>catalog</summary>
        public const string Catalog = "catalog";

        /// <summary>replay</summary>
        public const string Replay = "replay";

        /// <summary>replay.pause</summary>
        public const string ReplayPause = "replay.pause";

        /// <summary>replay.resume</summary>
        public const string ReplayResume = "replay.resume";

        /// <summary>replay.speed</summary>
        public const string ReplaySpeed = "replay.speed";

        /// <summary>replay.seek</summary>
        public const string ReplaySeek = "replay.seek";

        /// <summary>replay.stop</summary>
        public const string ReplayStop = "replay.stop";

        /// <summary>bars</summary>
        public const string Bars = "bars";

        /// <summary>snapshot (a basket of symbols at one global sequence, then live)</summary>
        public const string Snapshot = "snapshot";
    }
}

/// <summary>A control message that could not be parsed or validated; carries the error code to send.</summary>
public sealed class ControlRequestException(ErrorCode code, string message, long requestId = 0) : Exception(message)
{
    /// <summary>Error code for the error reply.</summary>
    public ErrorCode Code { get; } = code;

    /// <summary>The request id if it could be read, else 0.</summary>
    public long RequestId { get; } = requestId;
}
