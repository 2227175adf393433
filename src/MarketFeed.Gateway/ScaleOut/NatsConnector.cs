using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>Opens the node's NATS connection and reports its state to <see cref="ScaleOutStatus"/>.</summary>
internal static class NatsConnector
{
    /// <summary>
    /// Connects (one attempt of <see cref="ScaleOutOptions.StartTimeoutMs"/>); afterwards the client
    /// reconnects by itself forever. Throws a start-up error naming the URL and the key.
    /// </summary>
    public static async Task<NatsConnection> ConnectAsync(ScaleOutOptions options, ScaleOutStatus status, ILogger logger, string name)
    {
        var connection = new NatsConnection(new NatsOpts
        {
            Url = options.NatsUrl,
            Name = name,
            ConnectTimeout = TimeSpan.FromMilliseconds(options.StartTimeoutMs),
            RequestTimeout = TimeSpan.FromMilliseconds(Math.Max(2000, options.StartTimeoutMs / 2)),
            CommandTimeout = TimeSpan.FromMilliseconds(Math.Max(2000, options.StartTimeoutMs / 2)),
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(1),
            ReconnectJitter = TimeSpan.FromMilliseconds(50),
            RetryOnInitialConnect = false,
        });
        connection.ConnectionDisconnected += (_, e) =>
        {
            status.SetConnected(false);
            ScaleOutLog.Disconnected(logger, e.Message);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionOpened += (_, _) =>
        {
            status.SetConnected(true);
            ScaleOutLog.Connected(logger);
            return ValueTask.CompletedTask;
        };

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(options.StartTimeoutMs));
            await connection.ConnectAsync().AsTask().WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"ScaleOut:Role={options.NormalizedRole}: cannot reach NATS at {options.NatsUrl} (ScaleOut:NatsUrl) within {options.StartTimeoutMs} ms: {ex.Message}", ex);
        }

        status.SetConnected(true);
        return connection;
    }

    /// <summary>True if a JetStream API error says "not found" (stream or message).</summary>
    public static bool IsNotFound(NatsJSApiException ex) => ex.Error.Code == 404;

    /// <summary>The stream configuration the ingest creates or updates.</summary>
    public static StreamConfig StreamConfig(ScaleOutOptions options) => new(options.EffectiveStreamName, [options.TicksSubject, options.SnapshotSubject])
    {
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Limits,
        Discard = StreamConfigDiscard.Old,
        MaxAge = TimeSpan.FromSeconds(options.HistoryMaxAgeSeconds),
        MaxBytes = options.HistoryMaxBytes,
        DuplicateWindow = TimeSpan.FromSeconds(Math.Min(120, options.HistoryMaxAgeSeconds)),
        AllowDirect = true,
    };
}
