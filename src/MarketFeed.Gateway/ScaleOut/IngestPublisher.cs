using MarketFeed.Core;
using MarketFeed.Core.Concurrency;
using MarketFeed.Engine;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Protocol;
using MessagePack;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// The ingest role's link to NATS: observes every sequenced tick of the live engine (copying it into
/// a bounded single-producer ring on the sequencer thread, nothing else), and on its own task
/// publishes them in order as MessagePack batches to JetStream (<c>PREFIX.ticks</c>), waiting for
/// each acknowledgement, with a full-state snapshot (<c>PREFIX.snap</c>) every
/// <see cref="ScaleOutOptions.SnapshotIntervalMs"/>. See docs/scale-out.md.
/// </summary>
/// <remarks>
/// A batch is retried with the same message id (JetStream drops the duplicate) until it is
/// acknowledged, so a NATS restart loses nothing while the ring holds the backlog. A full ring stops
/// publishing for good (counted, logged, /health "failed"): gateways then stop at the last published
/// tick instead of showing a gap.
/// </remarks>
internal sealed class IngestPublisher : ITickObserver, ITickForwarder, IHostedService, IAsyncDisposable
{
    private readonly FeedRuntime _runtime;
    private readonly ScaleOutOptions _options;
    private readonly ScaleOutStatus _status;
    private readonly ILogger<IngestPublisher> _logger;
    private readonly Tick[] _ring;
    private readonly long _mask;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly SemaphoreSlim _acknowledged = new(0);
    private readonly CancellationTokenSource _stop = new();
    private PaddedLong _head; // ticks written by the sequencer
    private PaddedLong _tail; // ticks acknowledged by JetStream
    private long _droppedTicks;
    private int _waiting;
    private int _draining;
    private int _broken;
    private long _firstGlobalSequence; // global sequence of ring entry 0
    private MarketSnapshot[] _mirror = [];
    private NatsConnection? _nats;
    private NatsJSContext? _js;
    private Task? _loop;

    public IngestPublisher(FeedRuntime runtime, IOptions<ScaleOutOptions> options, ScaleOutStatus status, ILogger<IngestPublisher> logger)
    {
        _runtime = runtime;
        _options = options.Value;
        _status = status;
        _logger = logger;
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_options.PublishBufferTicks);
        _ring = new Tick[size];
        _mask = size - 1;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ScaleOutLog.Started(_logger, ScaleOutOptions.RoleIngest, _options.NatsUrl, _options.SubjectPrefix, _options.EffectiveStreamName);
        _nats = await NatsConnector.ConnectAsync(_options, _status, _logger, "marketfeed-ingest").ConfigureAwait(false);
        _js = new NatsJSContext(_nats);
        try
        {
            await _js.CreateOrUpdateStreamAsync(NatsConnector.StreamConfig(_options), cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSException ex)
        {
            throw new InvalidOperationException($"ScaleOut:Role=ingest: cannot create JetStream stream '{_options.EffectiveStreamName}' on {_options.NatsUrl} (is nats-server running with -js?): {ex.Message}", ex);
        }

        // The sources have not started (this service is registered before them): the engine is idle,
        // so its states and global sequence are one consistent starting point.
        ConflationEngine engine = _runtime.Engine;
        _mirror = new MarketSnapshot[_runtime.Universe.Count];
        for (int id = 0; id < _mirror.Length; id++)
        {
            engine.States.Read(id, out _mirror[id]);
        }

        _firstGlobalSequence = engine.GlobalSequence + 1;
        _status.SetGlobalSequence(engine.GlobalSequence);
        _status.SetBufferedSource(() => _head.ReadVolatile() - _tail.ReadVolatile());
        await PublishSnapshotAsync(engine.GlobalSequence, cancellationToken).ConfigureAwait(false);
        engine.AddObserver(this);
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Clean shutdown with recording (the sources have stopped): waits until JetStream acknowledged
    /// every tick this publisher observed, so that a restart continuing the sequences continues the
    /// stream without a hole. Returns why not if the token fires first or publishing had stopped.
    /// </summary>
    public async Task<string?> DrainAsync(CancellationToken cancellationToken)
    {
        if (_loop is null)
        {
            return "the NATS publisher never started";
        }

        long target = _head.ReadVolatile();
        Volatile.Write(ref _draining, 1);
        long pending = target - _tail.ReadVolatile();
        if (pending > 0)
        {
            ScaleOutLog.Draining(_logger, pending, _firstGlobalSequence + target - pending, _firstGlobalSequence + target - 1);
        }

        try
        {
            while (_tail.ReadVolatile() < target && _broken == 0 && !_loop.IsCompleted)
            {
                // Released per acknowledged batch; the timeout re-checks a loop that ended without one.
                await _acknowledged.WaitAsync(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }

        long tail = _tail.ReadVolatile();
        return _broken != 0 ? "publishing to NATS had stopped: " + _status.Failure
            : tail < target ? $"JetStream did not acknowledge ticks {_firstGlobalSequence + tail}..{_firstGlobalSequence + target - 1} before the shutdown deadline (NATS down?)"
            : null;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _runtime.Engine.RemoveObserver(this);
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Dispose();
        _wake.Dispose();
        _acknowledged.Dispose();
        if (_nats is not null)
        {
            await _nats.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sequencer thread: copy the tick into the ring; never blocks, never allocates.</summary>
    public void OnTick(in Tick tick)
    {
        if (_broken != 0)
        {
            _droppedTicks++;
            return;
        }

        long head = _head.Value;
        if (head - _tail.ReadVolatile() >= _ring.Length)
        {
            Break(head);
            return;
        }

        _ring[head & _mask] = tick;
        _head.WriteVolatile(head + 1);
        if (Volatile.Read(ref _waiting) != 0 && Interlocked.Exchange(ref _waiting, 0) != 0)
        {
            _wake.Release();
        }
    }

    private void Break(long head)
    {
        _broken = 1;
        _droppedTicks++;
        _status.Dropped(_droppedTicks);
        string reason = $"publish buffer full ({_ring.Length} ticks): publishing stopped after global sequence {_firstGlobalSequence + head - 1}";
        _status.Fail(reason);
        ScaleOutLog.PublishBufferFull(_logger, _ring.Length, _firstGlobalSequence + head - 1);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var buffer = new PooledBufferWriter(64 * 1024);
        long epoch = _runtime.Engine.Epoch;
        ulong fingerprint = NatsWire.Fingerprint(_runtime.Universe);
        long snapshotDue = Environment.TickCount64 + _options.SnapshotIntervalMs;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                long tail = _tail.Value;
                long available = _head.ReadVolatile() - tail;
                _status.SetBuffered(available);
                if (_broken != 0)
                {
                    _status.Dropped(Volatile.Read(ref _droppedTicks));
                }

                if (available == 0)
                {
                    long now = Environment.TickCount64;
                    if (now >= snapshotDue)
                    {
                        await PublishSnapshotAsync(_firstGlobalSequence + tail - 1, stop).ConfigureAwait(false);
                        snapshotDue = now + _options.SnapshotIntervalMs;
                        continue;
                    }

                    Volatile.Write(ref _waiting, 1);
                    if (_head.ReadVolatile() != tail)
                    {
                        continue; // a tick arrived before the flag was seen
                    }

                    await _wake.WaitAsync(TimeSpan.FromMilliseconds(Math.Clamp(snapshotDue - now, 1, 1000)), stop).ConfigureAwait(false);
                    continue;
                }

                int count = (int)Math.Min(available, _options.MaxBatchTicks);
                long first = _firstGlobalSequence + tail;
                buffer.Clear();
                var writer = new MessagePackWriter(buffer);
                NatsWire.WriteBatchHeader(ref writer, epoch, fingerprint, first, count);
                for (int i = 0; i < count; i++)
                {
                    NatsWire.WriteTick(ref writer, _ring[(tail + i) & _mask]);
                }

                writer.Flush();
                await PublishAsync(_options.TicksSubject, buffer.WrittenMemory, $"{epoch}:{first}", first, stop).ConfigureAwait(false);

                long lastTimestamp = 0;
                for (int i = 0; i < count; i++)
                {
                    ref readonly Tick tick = ref _ring[(tail + i) & _mask];
                    _mirror[tick.SymbolId].SymbolId = tick.SymbolId;
                    _mirror[tick.SymbolId].Apply(tick);
                    lastTimestamp = tick.Timestamp;
                }

                _tail.WriteVolatile(tail + count);
                _status.Batch(count, first + count - 1, lastTimestamp);
                if (Volatile.Read(ref _draining) != 0)
                {
                    _acknowledged.Release();
                }

                if (Environment.TickCount64 >= snapshotDue)
                {
                    await PublishSnapshotAsync(first + count - 1, stop).ConfigureAwait(false);
                    snapshotDue = Environment.TickCount64 + _options.SnapshotIntervalMs;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            _status.Fail("publisher failed: " + ex.Message);
            ScaleOutLog.PublisherFailed(_logger, ex);
        }
    }

    private async Task PublishSnapshotAsync(long globalSequence, CancellationToken stop)
    {
        using var buffer = new PooledBufferWriter(64 * 1024);
        NatsWire.WriteSnapshot(buffer, _runtime.Engine.Epoch, NatsWire.Fingerprint(_runtime.Universe), globalSequence, _mirror);
        await PublishAsync(_options.SnapshotSubject, buffer.WrittenMemory, $"{_runtime.Engine.Epoch}:snap:{globalSequence}", globalSequence, stop).ConfigureAwait(false);
        _status.Snapshot();
    }

    /// <summary>Publishes to JetStream and waits for the acknowledgement, retrying (same id) until it comes.</summary>
    private async Task PublishAsync(string subject, ReadOnlyMemory<byte> payload, string messageId, long globalSequence, CancellationToken stop)
    {
        var opts = new NatsJSPubOpts { MsgId = messageId };
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var ack = await _js!.PublishAsync(subject, payload, opts: opts, cancellationToken: stop).ConfigureAwait(false);
                if (ack.Error is null && ack.Duplicate)
                {
                    // The stream already holds this id (same id = same content by construction): a retry
                    // whose first acknowledgement was lost, or a restarted ingest's snapshot at the
                    // sequence its predecessor's last one had. Stored, so done (EnsureSuccess would
                    // throw on it and this loop would retry for ever).
                    return;
                }

                ack.EnsureSuccess();
                return;
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException && !stop.IsCancellationRequested)
            {
                if (attempt % 20 == 0)
                {
                    ScaleOutLog.PublishRetry(_logger, globalSequence, ex.Message);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(500, 50 * (attempt + 1))), stop).ConfigureAwait(false);
            }
        }
    }
}
