using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.LoadTests.Running;
using MarketFeed.Protocol;

namespace MarketFeed.LoadTests.Clients;

/// <summary>
/// A MarketFeed subscriber on the client library's raw path (<see cref="MarketFeed.Client.MarketFeedClient"/> with
/// <see cref="IRawFeedHandler"/>, docs/client.md): the library connects, subscribes and reads; this class gets every
/// frame and message in wire order, quotes and trades without allocating, and checks sequences
/// (full mode: seq = prev + 1 per symbol; conflated: no regression per symbol and kind; snapshots reset).
/// A replay client (<see cref="ClientSpec.Replay"/>) sends full-mode replay requests instead of a subscribe,
/// one after another, and checks each replay's per-symbol sequences and its tick count against replay end.
/// A reconnecting client (<see cref="ClientSpec.DropAt"/>) aborts its connection at that time, stays away
/// for <see cref="ClientSpec.DownFor"/>, then resumes with the welcome's epoch and its last sequences:
/// its sequence checks run across the gap (a missed or repeated tick counts as a gap).
/// </summary>
/// <remarks>
/// The library's own reconnects and heartbeat watchdog are off: a dropped connection is the server's doing and is
/// reported, not repaired. Stallers and slow readers stop reading with <see cref="MarketFeed.Client.MarketFeedClient.PauseReceiving"/>.
/// </remarks>
public sealed class MarketFeedVirtualClient(int index, ClientSpec spec, RunContext context) : VirtualClient(index, spec, context), IRawFeedHandler
{
    private const int ReplaySymbolIdBase = 1 << 20;
    private readonly Dictionary<int, long> _replayLastSeq = [];
    private int _replaysSent;
    private TaskCompletionSource? _replayEnd;
    private TimeSpan _replaySentAt;
    private long _replayReceived;
    private long[] _lastSeq = [];
    private long[] _lastTradeSeq = [];
    private TimeSpan _scheduledStart;
    private TimeSpan _subscribeSentAt;
    private long _epoch;
    private long _reconnectUnixNanos;
    private long _malformedSeen;
    private Dictionary<int, string>? _namesById;
    private MarketFeed.Client.MarketFeedClient? _client;

    /// <inheritdoc />
    public override async Task RunAsync(TimeSpan scheduledStart, CancellationToken cancellationToken)
    {
        _lastSeq = NewSequenceArray(Context.SymbolCount);
        _lastTradeSeq = NewSequenceArray(Context.SymbolCount);
        if (Spec.DropAt is not { } dropAt)
        {
            await RunSessionAsync(scheduledStart, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (var untilDrop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            untilDrop.CancelAfter(Max(dropAt - Context.Clock.Elapsed, TimeSpan.Zero));
            await RunSessionAsync(scheduledStart, null, untilDrop.Token).ConfigureAwait(false);
        }

        if (cancellationToken.IsCancellationRequested || Stats.Failed || _epoch == 0)
        {
            Stats.Failed |= !cancellationToken.IsCancellationRequested;
            Stats.Error ??= _epoch == 0 ? "no epoch in the welcome: cannot resume" : null;
            return;
        }

        await Task.Delay(Max(dropAt + Spec.DownFor - Context.Clock.Elapsed, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
        var resume = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, name) in _namesById ?? [])
        {
            long last = Math.Max(_lastSeq[id], _lastTradeSeq[id]); // conflated keeps quote and trade apart
            if (last > 0)
            {
                resume[name] = last;
            }
        }

        Stats.ResumedSymbols = resume.Count;
        Stats.ReconnectAt = Context.Clock.Elapsed;
        _reconnectUnixNanos = Now();
        await RunSessionAsync(Stats.ReconnectAt.Value, resume, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private MarketFeedClientOptions Options() => new()
    {
        Uri = new UriBuilder(Context.BaseUri) { Scheme = "ws", Path = "/ws/v1" }.Uri,
        HttpInvoker = Spec.Role == ClientRole.Staller ? LoopbackConnector.SmallReceiveBuffer : LoopbackConnector.Default,
        ReceiveBufferSize = Math.Max(Spec.ReceiveBufferBytes, 1024),
        ConnectTimeout = SetupTimeout,
        RequestTimeout = SetupTimeout,
        AutoReconnect = false,
        HeartbeatTimeoutMultiplier = 0, // the harness reports what the server does; it never gives up on a connection itself
        ResumeOnReconnect = false,
        ResubscribeOnGap = false,
        DecodeMarketData = false,
        RawHandler = this,
    };

    /// <summary>
    /// One connection: connect, subscribe (resuming <paramref name="resume"/> if given) or run the replays, read until
    /// cancelled (then abort, like a dropped client) or closed by the server.
    /// </summary>
    private async Task RunSessionAsync(TimeSpan scheduledStart, Dictionary<string, long>? resume, CancellationToken cancellationToken)
    {
        _scheduledStart = scheduledStart;
        var client = new MarketFeed.Client.MarketFeedClient(Options());
        _client = client;
        try
        {
            try
            {
                await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is MarketFeedConnectionException or OperationCanceledException)
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    SetupFailed($"connect: {ex.Message}");
                }

                return;
            }

            var drain = DrainAsync(client, cancellationToken);
            if (Spec.Replay is { } replay)
            {
                await RunReplaysAsync(client, replay, drain, cancellationToken).ConfigureAwait(false);
            }
            else if (!await SubscribeAsync(client, resume, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await drain.ConfigureAwait(false);
            if (!cancellationToken.IsCancellationRequested)
            {
                var end = client.LastDisconnect;
                ClosedByServer(end?.CloseCode ?? 1006, end?.Cause == DisconnectCause.ServerClosed ? end.CloseReason : end?.ToString());
            }
        }
        finally
        {
            Stats.Connected = false;
            client.Abort(); // no close handshake, as before: a cancelled run or a drop
            await client.DisposeAsync().ConfigureAwait(false);
            CheckMalformed(client);
        }
    }

    /// <summary>Sends the subscribe and waits for its ack; false when the session ends here (close after ack).</summary>
    private async Task<bool> SubscribeAsync(MarketFeed.Client.MarketFeedClient client, Dictionary<string, long>? resume, CancellationToken cancellationToken)
    {
        var mode = Spec.FullMode ? DeliveryMode.Full : DeliveryMode.Conflated;
        _subscribeSentAt = Context.Clock.Elapsed;
        try
        {
            await (resume is null
                ? client.SubscribeAsync(Spec.Symbols, mode, Spec.Throttle, cancellationToken)
                : client.SubscribeResumingAsync(Spec.Symbols, mode, Spec.Throttle, _epoch, resume, cancellationToken)).ConfigureAwait(false);
        }
        catch (MarketFeedRequestException)
        {
            return true; // the error message was counted (OnMessage); keep reading, as the server keeps the connection
        }
        catch (TimeoutException)
        {
            return true; // no ack: the client shows as not subscribed
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return true;
        }
        catch (MarketFeedConnectionException ex)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                SetupFailed($"subscribe: {ex.Message}");
            }

            return true; // the drain ends at once and the close is recorded
        }

        if (Spec.CloseAfterAck)
        {
            await client.DisposeAsync().ConfigureAwait(false); // close 1000
            return false;
        }

        return true;
    }

    /// <summary>Runs replays back to back from <see cref="ReplaySpec.StartAt"/> until the count, the run's end or the connection's end.</summary>
    private async Task RunReplaysAsync(MarketFeed.Client.MarketFeedClient client, ReplaySpec replay, Task drain, CancellationToken cancellationToken)
    {
        try
        {
            var wait = replay.StartAt - Context.Clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }

            while (_replaysSent < replay.Iterations && !drain.IsCompleted)
            {
                _replaysSent++;
                _replayReceived = 0;
                _replayLastSeq.Clear();
                var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                Volatile.Write(ref _replayEnd, ended);
                _replaySentAt = Context.Clock.Elapsed;
                await client.ReplayAsync(new ReplayRequest(replay.Dataset) { Speed = replay.Speed, Mode = DeliveryMode.Full }, cancellationToken).ConfigureAwait(false);
                if (await Task.WhenAny(ended.Task, drain).ConfigureAwait(false) != ended.Task)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is MarketFeedRequestException or MarketFeedConnectionException or TimeoutException)
        {
            // A rejected replay was counted (OnMessage); a lost connection ends the drain and is recorded there.
        }
    }

    private static async Task DrainAsync(MarketFeed.Client.MarketFeedClient client, CancellationToken cancellationToken)
    {
        // Control messages only (market data goes to the raw handler); ends when the connection ends.
        try
        {
            await foreach (var message in client.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                _ = message;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void CheckMalformed(MarketFeed.Client.MarketFeedClient client)
    {
        long malformed = client.MalformedFrameCount;
        if (malformed > _malformedSeen)
        {
            _malformedSeen = malformed;
            Stats.Failed = true;
            Stats.Error ??= $"protocol: {malformed} malformed frame(s)";
        }
    }

    /// <inheritdoc />
    void IRawFeedHandler.OnOpened() => ConnectedAt(_scheduledStart);

    /// <inheritdoc />
    void IRawFeedHandler.OnFrame(ReadOnlyMemory<byte> frame, long receiveTimestamp)
    {
        var stats = Stats;
        stats.Frames++;
        if (Spec.Replay is null)
        {
            // Live payload only: replayed bytes would swamp the live clients' MB/s.
            stats.Bytes += frame.Length;
        }

        var client = _client!;
        CheckMalformed(client);
        if (ShouldStall())
        {
            // Stop reading: the server's send buffer fills and it must drop us (4002 or a reset).
            client.PauseReceiving(Spec.StallFor);
            return;
        }

        var pause = SlowPauseDue();
        if (pause > TimeSpan.Zero)
        {
            client.PauseReceiving(pause);
        }
    }

    /// <inheritdoc />
    void IRawFeedHandler.OnTick(in Tick tick, long receiveTimestamp)
    {
        if (tick.SymbolId >= ReplaySymbolIdBase)
        {
            CheckReplaySequence(in tick);
            return;
        }

        Stats.Updates++;
        RecordLatency(receiveTimestamp, tick.Timestamp);
        CheckSequence(in tick);
        if (_reconnectUnixNanos != 0 && Stats.LiveAt is null && Stats.ResumeAckAt is not null && tick.Timestamp >= _reconnectUnixNanos)
        {
            Stats.LiveAt = Context.Clock.Elapsed;
        }
    }

    /// <inheritdoc />
    void IRawFeedHandler.OnMessage(ServerMessage message, long receiveTimestamp) => Handle(message);

    private void CheckSequence(in Tick tick)
    {
        int id = tick.SymbolId;
        if ((uint)id >= (uint)_lastSeq.Length)
        {
            return;
        }

        if (Spec.FullMode)
        {
            long prev = _lastSeq[id];
            if (prev != 0 && tick.Sequence != prev + 1)
            {
                Stats.Gaps++;
            }

            _lastSeq[id] = tick.Sequence;
            return;
        }

        long[] last = tick.Kind == TickKind.Trade ? _lastTradeSeq : _lastSeq;
        if (tick.Sequence < last[id])
        {
            Stats.Gaps++;
        }

        last[id] = tick.Sequence;
    }

    private static Dictionary<int, string> NamesById(SubscribeAckMessage ack)
    {
        var names = new Dictionary<int, string>(ack.Symbols.Count);
        foreach (var symbol in ack.Symbols)
        {
            names[symbol.SymbolId] = symbol.Symbol;
        }

        return names;
    }

    private void CheckReplaySequence(in Tick tick)
    {
        _replayReceived++;
        Stats.ReplayTicks++;
        if (_replayLastSeq.TryGetValue(tick.SymbolId, out long prev) && tick.Sequence != prev + 1)
        {
            Stats.Gaps++;
        }

        _replayLastSeq[tick.SymbolId] = tick.Sequence;
    }

    private void ReplayEnded(ReplayEndMessage end)
    {
        var run = new ReplayRun(_replaySentAt, Context.Clock.Elapsed, _replayReceived, end.TicksSent, end.Reason);
        Stats.ReplayRuns.Add(run);
        if (!run.Ok)
        {
            Stats.Error ??= $"replay {end.ReplayId}: {end.Reason}, received {run.TicksReceived} of {run.TicksSent} ticks";
        }

        Volatile.Read(ref _replayEnd)?.TrySetResult(); // the session sends the next one
    }

    private void Handle(ServerMessage message)
    {
        switch (message)
        {
            case ReplayStartMessage:
                if (!Stats.Subscribed)
                {
                    AckedAt(_scheduledStart, _replaySentAt);
                }

                break;
            case ReplayEndMessage end when Spec.Replay is not null:
                ReplayEnded(end);
                break;
            case SnapshotMessage { State.SymbolId: >= ReplaySymbolIdBase } replaySnapshot:
                _replayLastSeq[replaySnapshot.State.SymbolId] = replaySnapshot.State.Sequence;
                break;
            case ErrorMessage error when Spec.Replay is not null:
                Stats.ServerErrors++;
                Stats.Error ??= $"replay request: error {error.Code} {error.CodeName}: {error.Message}";
                break;
            case SubscribeAckMessage ack:
                AckedAt(_scheduledStart, _subscribeSentAt);
                _namesById ??= NamesById(ack);
                if (_reconnectUnixNanos != 0)
                {
                    Stats.ResumeAckAt = Context.Clock.Elapsed;
                    foreach (bool recovered in ack.Recovered ?? [])
                    {
                        Stats.RecoveredSymbols += recovered ? 1 : 0;
                    }
                }

                break;
            case StatusMessage { State: "welcome" } welcome:
                _epoch = welcome.Details.TryGetValue("epoch", out object? epoch) ? Convert.ToInt64(epoch, System.Globalization.CultureInfo.InvariantCulture) : 0;
                break;
            case SnapshotMessage snapshot:
            {
                int id = snapshot.State.SymbolId;
                if ((uint)id < (uint)_lastSeq.Length)
                {
                    _lastSeq[id] = Spec.FullMode ? snapshot.State.Sequence : snapshot.State.QuoteSequence;
                    _lastTradeSeq[id] = snapshot.State.TradeSequence;
                }

                break;
            }

            case ErrorMessage:
                Stats.ServerErrors++;
                break;
            case StatusMessage { State: "lagging" }:
                Stats.LagEpisodes++;
                break;
        }
    }
}
