namespace MarketFeed.Gateway.Diagnostics;

/// <summary>Source-generated log messages of the server, with fixed event ids.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "MarketFeed listening on {Url} (dashboard), WebSocket {WebSocketUrl}")]
    public static partial void Listening(ILogger logger, string url, string webSocketUrl);

    [LoggerMessage(2, LogLevel.Information, "Loaded {Count} symbols from {Path}")]
    public static partial void UniverseLoaded(ILogger logger, int count, string path);

    [LoggerMessage(3, LogLevel.Information, "Simulator running: seed {Seed}, {Rate} ticks/s (0 = max)")]
    public static partial void SimulatorStarted(ILogger logger, ulong seed, double rate);

    [LoggerMessage(4, LogLevel.Information, "Imported sample dataset {Path}")]
    public static partial void SampleImported(ILogger logger, string path);

    [LoggerMessage(5, LogLevel.Warning, "Could not import the sample datasets")]
    public static partial void SampleImportFailed(ILogger logger, Exception exception);

    [LoggerMessage(32, LogLevel.Error, "Replay source {Dataset} stopped at damage after {Ticks} ticks: {Damage}")]
    public static partial void ReplaySourceDamaged(ILogger logger, string dataset, long ticks, string damage);

    [LoggerMessage(31, LogLevel.Error, "Recording stopped: writing {File} failed; ticks are no longer recorded ({Lost} lost so far, counted in marketfeed_recorder_lost_ticks_total)")]
    public static partial void RecorderFailed(ILogger logger, string file, long lost, Exception exception);

    [LoggerMessage(35, LogLevel.Warning, "Recorder: writing {File} failed; retrying for up to {TimeoutMs} ms, ticks wait in the recorder ring meanwhile (marketfeed_recorder_retrying 1)")]
    public static partial void RecorderWriteRetrying(ILogger logger, string file, long timeoutMs, Exception exception);

    [LoggerMessage(36, LogLevel.Warning, "Recorder: writing {File} works again after {Attempts} failed attempt(s) in {ElapsedMs} ms; nothing was lost by the error (last error: {Error})")]
    public static partial void RecorderWriteRecovered(ILogger logger, string file, int attempts, long elapsedMs, string error);

    [LoggerMessage(30, LogLevel.Warning, "Replay {ReplayId} of {Dataset} ended '{Reason}': {Count} damaged part(s) in its range, first: {Damage}")]
    public static partial void ReplayDamage(ILogger logger, long replayId, string dataset, string reason, int count, string damage);

    [LoggerMessage(10, LogLevel.Debug, "[{ConnectionId}] connected from {Remote}")]
    public static partial void Connected(ILogger logger, string connectionId, string? remote);

    [LoggerMessage(11, LogLevel.Debug, "[{ConnectionId}] closed: {CloseCode} {Reason}")]
    public static partial void Closed(ILogger logger, string connectionId, int closeCode, string reason);

    [LoggerMessage(12, LogLevel.Warning, "[{ConnectionId}] slow consumer dropped: {CloseCode} {Reason}")]
    public static partial void SlowConsumerDropped(ILogger logger, string connectionId, int closeCode, string reason);

    [LoggerMessage(13, LogLevel.Debug, "[{ConnectionId}] control error {Code}: {Message}")]
    public static partial void ControlError(ILogger logger, string connectionId, int code, string message);

    [LoggerMessage(14, LogLevel.Error, "[{ConnectionId}] connection failed")]
    public static partial void ConnectionFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(15, LogLevel.Warning, "[{ConnectionId}] policy close {CloseCode}: {Reason}")]
    public static partial void PolicyClose(ILogger logger, string connectionId, int closeCode, string reason);

    [LoggerMessage(6, LogLevel.Warning, "AUTHENTICATION IS OFF (Auth:Enabled=false): every client is anonymous and gets every symbol, full mode and replays. Turn it on before exposing this server (docs/operations.md, Auth)")]
    public static partial void AuthDisabled(ILogger logger);

    [LoggerMessage(7, LogLevel.Information, "Authentication on: {ApiKeys} API keys, JWT {Jwt}, origins {Origins}")]
    public static partial void AuthEnabled(ILogger logger, int apiKeys, string jwt, string origins);

    [LoggerMessage(20, LogLevel.Error, "Tick source failed")]
    public static partial void SourceFailed(ILogger logger, Exception exception);

    [LoggerMessage(21, LogLevel.Information, "Shutting down: closing {Count} connections with 1001")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(61, LogLevel.Information, "Sequence state restored from {Path}: epoch {Epoch} continues at global sequence {GlobalSequence} (clients resume across the restart)")]
    public static partial void SequenceStateRestored(ILogger logger, string path, long epoch, long globalSequence);

    [LoggerMessage(62, LogLevel.Warning, "No usable sequence state in {Path} ({Reason}): new epoch, sequence numbers restart at 1 and resuming clients get snapshots")]
    public static partial void SequenceStateNotRestored(ILogger logger, string path, string reason);

    [LoggerMessage(63, LogLevel.Information, "Sequence state saved to {Path}: epoch {Epoch}, global sequence {GlobalSequence}")]
    public static partial void SequenceStateSaved(ILogger logger, string path, long epoch, long globalSequence);

    [LoggerMessage(64, LogLevel.Warning, "Sequence state NOT saved ({Reason}): the next start begins a new epoch and resuming clients get snapshots")]
    public static partial void SequenceStateNotSaved(ILogger logger, string reason);
}
