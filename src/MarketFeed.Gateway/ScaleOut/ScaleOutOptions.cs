using System.Text.RegularExpressions;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// Scale-out over NATS (section "ScaleOut"): which role this process plays and where the bus is.
/// See docs/scale-out.md and docs/operations.md for each key.
/// </summary>
public sealed partial class ScaleOutOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "ScaleOut";

    /// <summary>The single-process default: sources, engine and clients in one process; no NATS.</summary>
    public const string RoleAll = "all";

    /// <summary>Sources -> sequencer -> NATS (plus the recorder).</summary>
    public const string RoleIngest = "ingest";

    /// <summary>NATS -> journal -> conflation engine -> WebSocket clients.</summary>
    public const string RoleGateway = "gateway";

    /// <summary><c>all</c> (default), <c>ingest</c> or <c>gateway</c>.</summary>
    public string Role { get; set; } = RoleAll;

    /// <summary>NATS server URL(s), comma-separated.</summary>
    public string NatsUrl { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// First token(s) of every subject (<c>PREFIX.ticks</c>, <c>PREFIX.snap</c>); ingest and gateways
    /// must agree. Letters, digits, '-', '_' and dots between tokens.
    /// </summary>
    public string SubjectPrefix { get; set; } = "marketfeed";

    /// <summary>JetStream stream holding recent history; empty = the prefix upper-cased with '.' and '-' as '_'.</summary>
    public string StreamName { get; set; } = "";

    /// <summary>Ingest: how long the stream keeps ticks (seconds).</summary>
    public int HistoryMaxAgeSeconds { get; set; } = 300;

    /// <summary>Ingest: most bytes the stream keeps (oldest discarded first).</summary>
    public long HistoryMaxBytes { get; set; } = 512L << 20;

    /// <summary>Ingest: period of the full-state snapshot message a starting gateway begins from (ms).</summary>
    public int SnapshotIntervalMs { get; set; } = 2000;

    /// <summary>Ingest: most ticks in one NATS message (a batch takes what is waiting, up to this).</summary>
    public int MaxBatchTicks { get; set; } = 1024;

    /// <summary>
    /// Ingest: ticks buffered between the sequencer and NATS (64 bytes each) — what rides out a NATS
    /// outage. Beyond it the ingest stops publishing (counted, /health "failed"): never a silent gap.
    /// </summary>
    public int PublishBufferTicks { get; set; } = 1 << 20;

    /// <summary>Both roles: how long start-up waits for NATS (and a gateway for the ingest's stream) before failing (ms).</summary>
    public int StartTimeoutMs { get; set; } = 10_000;

    /// <summary>The stream name in force.</summary>
    public string EffectiveStreamName => StreamName.Length > 0 ? StreamName : SubjectPrefix.ToUpperInvariant().Replace('.', '_').Replace('-', '_');

    /// <summary>Subject of tick batches.</summary>
    public string TicksSubject => SubjectPrefix + ".ticks";

    /// <summary>Subject of full-state snapshots.</summary>
    public string SnapshotSubject => SubjectPrefix + ".snap";

    /// <summary>Normalized role (lower case).</summary>
    public string NormalizedRole => (Role ?? RoleAll).Trim().ToLowerInvariant();

    /// <summary>Throws with the key's name if a value is out of range.</summary>
    public void Validate()
    {
        Check(NormalizedRole is RoleAll or RoleIngest or RoleGateway, nameof(Role), "\"all\", \"ingest\" or \"gateway\"");
        if (NormalizedRole == RoleAll)
        {
            return;
        }

        Check(!string.IsNullOrWhiteSpace(NatsUrl), nameof(NatsUrl), "a NATS URL such as nats://127.0.0.1:4222");
        Check(SubjectPrefixPattern().IsMatch(SubjectPrefix ?? ""), nameof(SubjectPrefix), "tokens of letters, digits, '-' or '_' separated by dots (no wildcards)");
        Check(StreamName.Length == 0 || StreamNamePattern().IsMatch(StreamName), nameof(StreamName), "letters, digits, '-' or '_'");
        Check(HistoryMaxAgeSeconds is >= 10 and <= 7 * 86400, nameof(HistoryMaxAgeSeconds), "10..604800");
        Check(HistoryMaxBytes >= 1 << 20, nameof(HistoryMaxBytes), "at least 1048576");
        Check(SnapshotIntervalMs >= 100 && SnapshotIntervalMs < HistoryMaxAgeSeconds * 1000L / 2, nameof(SnapshotIntervalMs), "100 ms .. half of HistoryMaxAgeSeconds");
        Check(MaxBatchTicks is >= 1 and <= 16384, nameof(MaxBatchTicks), "1..16384");
        Check(PublishBufferTicks is >= 1024 and <= 1 << 26, nameof(PublishBufferTicks), "1024..67108864");
        Check(StartTimeoutMs is >= 100 and <= 600_000, nameof(StartTimeoutMs), "100..600000");
    }

    private static void Check(bool ok, string key, string expected)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{SectionName}:{key} must be {expected}");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex SubjectPrefixPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex StreamNamePattern();
}
