using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Hosting;
using MessagePack;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// The gateway role's feed: seeds the engine with the ingest's snapshot, then reads the stream in
/// order from the message after it (a JetStream ordered consumer) and applies every tick at the
/// ingest's sequences (<see cref="ConflationEngine.PublishReplicated"/>). It takes every tick of
/// the feed (docs/scale-out.md says why). When NATS goes away it re-creates the consumer from the
/// next stream sequence, so nothing is missed, and tells the clients (status
/// <c>upstream_lost</c> / <c>upstream_restored</c>, docs/protocol.md section 4.9).
/// </summary>
/// <remarks>
/// What it cannot continue from — a hole in the global sequence, another epoch (the ingest restarted
/// without recording), another universe — stops the gateway (exit code 3) rather than show clients a
/// gap; clients move to another gateway or reconnect, and a restarted gateway starts over from the
/// ingest's latest snapshot.
/// </remarks>
internal sealed class GatewayFeedService(
    FeedRuntime runtime,
    GatewayBootstrap bootstrap,
    ScaleOutStatus status,
    ConnectionRegistry registry,
    UpstreamNotice notice,
    IHostApplicationLifetime lifetime,
    ILogger<GatewayFeedService> logger) : IHostedService, IDisposable
{
    /// <summary>Process exit code of a gateway that stopped because it cannot continue the feed.</summary>
    public const int FailedExitCode = 3;

    private readonly CancellationTokenSource _stop = new();
    private ulong _next;
    private long _lostAt;
    private int _restorePending;
    private Task? _loop;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ConflationEngine engine = runtime.Engine;
        NatsWire.Snapshot snapshot = bootstrap.Snapshot;
        foreach (MarketSnapshot state in snapshot.States)
        {
            engine.Seed(state);
        }

        engine.StartReplicaAt(snapshot.GlobalSequence);
        status.SetGlobalSequence(snapshot.GlobalSequence);
        _next = bootstrap.SnapshotStreamSequence + 1;
        bootstrap.Connection.ConnectionDisconnected += OnDisconnectedAsync;
        bootstrap.Connection.ConnectionOpened += OnOpenedAsync;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _stop.Dispose();

    private ValueTask OnDisconnectedAsync(object? sender, NatsEventArgs e)
    {
        Interlocked.Exchange(ref _lostAt, Environment.TickCount64);
        notice.Broadcast(registry.Connections, "upstream_lost", [new("reason", "nats_disconnected"), new("globalSequence", runtime.Engine.GlobalSequence)], holds: true);
        return ValueTask.CompletedTask;
    }

    private ValueTask OnOpenedAsync(object? sender, NatsEventArgs e)
    {
        Volatile.Write(ref _restorePending, 1);
        return ValueTask.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var js = new NatsJSContext(bootstrap.Connection);
        ScaleOutOptions options = bootstrap.Options;
        string[] subjects = [options.TicksSubject, options.SnapshotSubject];
        while (!stop.IsCancellationRequested && status.Failure is null)
        {
            try
            {
                INatsJSConsumer consumer = await js.CreateOrderedConsumerAsync(options.EffectiveStreamName, new NatsJSOrderedConsumerOpts
                {
                    DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                    OptStartSeq = _next,
                    FilterSubjects = subjects,
                }, stop).ConfigureAwait(false);
                await foreach (NatsJSMsg<NatsMemoryOwner<byte>> msg in consumer.ConsumeAsync<NatsMemoryOwner<byte>>(cancellationToken: stop).ConfigureAwait(false))
                {
                    using NatsMemoryOwner<byte> data = msg.Data;
                    NatsJSMsgMetadata? meta = msg.Metadata;
                    string? failure = msg.Subject == options.TicksSubject ? ApplyBatch(data.Memory) : CheckSnapshot(data.Memory);
                    if (failure is not null)
                    {
                        Fail(failure);
                        return;
                    }

                    if (meta is { } m)
                    {
                        _next = m.Sequence.Stream + 1;
                        if (m.NumPending == 0 && Volatile.Read(ref _restorePending) != 0 && Interlocked.Exchange(ref _restorePending, 0) != 0)
                        {
                            long lostAt = Interlocked.Exchange(ref _lostAt, 0);
                            long downMs = lostAt == 0 ? 0 : Environment.TickCount64 - lostAt;
                            notice.Broadcast(registry.Connections, "upstream_restored", [new("globalSequence", runtime.Engine.GlobalSequence), new("downMs", downMs)], holds: false);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NatsException or InvalidOperationException or TimeoutException)
            {
                ScaleOutLog.ConsumerRestart(logger, ex.Message, _next);
                try
                {
                    await Task.Delay(250, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception ex)
            {
                Fail($"reading the stream failed: {ex.GetType().Name}: {ex.Message}");
                return;
            }
        }
    }

    /// <summary>Applies one batch; returns why the feed cannot continue, or null.</summary>
    private string? ApplyBatch(ReadOnlyMemory<byte> payload)
    {
        ConflationEngine engine = runtime.Engine;
        var reader = new MessagePackReader(payload);
        NatsWire.BatchHeader header = NatsWire.ReadBatchHeader(ref reader);
        string? mismatch = CheckOrigin(header.Epoch, header.Fingerprint);
        if (mismatch is not null)
        {
            return mismatch;
        }

        long expected = engine.GlobalSequence + 1;
        if (header.FirstGlobalSequence != expected)
        {
            // Batches are published once each (message ids dedupe retries) and read in stream order:
            // anything but the next global sequence means the ingest's stream broke or restarted.
            return header.FirstGlobalSequence > expected
                ? $"the stream jumps from global sequence {expected - 1} to {header.FirstGlobalSequence}: ticks {expected}..{header.FirstGlobalSequence - 1} were never published (ingest publish buffer overflow?)"
                : $"the stream goes back from global sequence {expected - 1} to {header.FirstGlobalSequence} in the same epoch (the ingest restarted its global sequence)";
        }

        long lastTimestamp = 0;
        for (int i = 0; i < header.Count; i++)
        {
            NatsWire.ReadTick(ref reader, out Tick tick);
            if ((uint)tick.SymbolId >= (uint)runtime.Universe.Count)
            {
                return $"tick for symbol id {tick.SymbolId} outside the universe of {runtime.Universe.Count}";
            }

            engine.PublishReplicated(tick, header.FirstGlobalSequence + i);
            lastTimestamp = tick.Timestamp;
        }

        status.Batch(header.Count, engine.GlobalSequence, lastTimestamp);
        return null;
    }

    private string? CheckSnapshot(ReadOnlyMemory<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        reader.ReadArrayHeader();
        reader.ReadInt32();
        long epoch = reader.ReadInt64();
        ulong fingerprint = reader.ReadUInt64();
        status.Snapshot();
        return CheckOrigin(epoch, fingerprint);
    }

    private string? CheckOrigin(long epoch, ulong fingerprint)
    {
        if (epoch != runtime.Engine.Epoch)
        {
            return $"the ingest's epoch changed from {runtime.Engine.Epoch} to {epoch} (the ingest restarted and its sequences started over)";
        }

        return fingerprint != bootstrap.Snapshot.Fingerprint ? "the ingest now serves another symbol universe" : null;
    }

    private void Fail(string reason)
    {
        status.Fail(reason);
        ScaleOutLog.GatewayFailed(logger, reason);
        notice.Broadcast(registry.Connections, "upstream_failed", [new("reason", reason), new("globalSequence", runtime.Engine.GlobalSequence)], holds: true);
        Environment.ExitCode = FailedExitCode;
        lifetime.StopApplication();
    }
}
