using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <content>Control requests (docs/protocol.md section 5) and their replies.</content>
public sealed partial class MarketFeedClient
{
    /// <summary>
    /// Subscribes to <paramref name="symbols"/> and returns the server's ack (granted mode and throttle, symbol ids and
    /// scales). The ack is followed by a snapshot per symbol, then live updates, on <see cref="ReadAllAsync"/>.
    /// Unknown symbols are left out of the ack and reported as error messages on the stream.
    /// </summary>
    /// <param name="symbols">Symbol names.</param>
    /// <param name="mode">Conflated (latest state) or full (every tick).</param>
    /// <param name="throttle">Max updates per second per symbol, conflated only; 0 = unthrottled.</param>
    /// <param name="cancellationToken">Cancels the wait for the ack (the request may still take effect).</param>
    /// <exception cref="MarketFeedRequestException">The server rejected the request, or every symbol.</exception>
    /// <exception cref="MarketFeedConnectionException">Not connected, or the connection dropped before the ack.</exception>
    /// <exception cref="TimeoutException">No ack within <see cref="MarketFeedClientOptions.RequestTimeout"/>.</exception>
    public async Task<SubscribeAckMessage> SubscribeAsync(IReadOnlyList<string> symbols, DeliveryMode mode = DeliveryMode.Conflated, int throttle = 0, CancellationToken cancellationToken = default) =>
        await SubscribeAsync(symbols, mode, throttle, bars: null, cancellationToken).ConfigureAwait(false);

    /// <summary>Subscribes as <see cref="SubscribeAsync(IReadOnlyList{string}, DeliveryMode, int, CancellationToken)"/>, with live bar updates.</summary>
    /// <param name="symbols">Symbol names.</param>
    /// <param name="mode">Conflated (latest state) or full (every tick).</param>
    /// <param name="throttle">Max updates per second per symbol, conflated only; 0 = unthrottled.</param>
    /// <param name="bars">
    /// Bar intervals (e.g. <c>["1m"]</c>, kept by the server's <c>Bars:Intervals</c>) whose live bar updates
    /// (<see cref="BarUpdateMessage"/>) follow the symbols' updates; null or empty = none. Kept across reconnects.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for the ack (the request may still take effect).</param>
    public async Task<SubscribeAckMessage> SubscribeAsync(IReadOnlyList<string> symbols, DeliveryMode mode, int throttle, IReadOnlyList<string>? bars, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Count == 0)
        {
            throw new ArgumentException("at least one symbol is required", nameof(symbols));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(throttle);
        long id = NextRequestId();
        bars = bars is { Count: > 0 } ? [.. bars] : null;
        var request = new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = id, Symbols = symbols, Mode = mode, Throttle = throttle, Bars = bars };
        NoteSubscribeBars(id, bars);
        return (SubscribeAckMessage)await RequestAsync(request, new PendingRequest(id, request.Op, symbols.Count), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Subscribes resuming from positions the application holds (docs/protocol.md section 7.1): <paramref name="lastSequences"/>
    /// gives the last <c>seq</c> received per symbol on an earlier connection of the server whose welcome carried
    /// <paramref name="epoch"/> (e.g. a load generator that reconnects by hand, or a cursor kept across restarts of the
    /// application). The ack's <see cref="SubscribeAckMessage.Recovered"/> says per symbol whether it continues right after
    /// that <c>seq</c> (full mode: the missed ticks first) or starts again from a snapshot; the outcome is also published
    /// as a <see cref="SubscriptionsResumedMessage"/>. Symbols missing from <paramref name="lastSequences"/> get a snapshot.
    /// (After a reconnect of its own the client resumes by itself, <see cref="MarketFeedClientOptions.ResumeOnReconnect"/>.)
    /// </summary>
    /// <param name="symbols">Symbol names.</param>
    /// <param name="mode">Conflated (latest state) or full (every tick).</param>
    /// <param name="throttle">Max updates per second per symbol, conflated only; 0 = unthrottled.</param>
    /// <param name="epoch">The server epoch the sequences come from (the welcome's <c>epoch</c>); must be positive.</param>
    /// <param name="lastSequences">Last <c>seq</c> received per symbol name.</param>
    /// <param name="cancellationToken">Cancels the wait for the ack (the request may still take effect).</param>
    /// <exception cref="MarketFeedRequestException">The server rejected the request, or every symbol.</exception>
    /// <exception cref="MarketFeedConnectionException">Not connected, or the connection dropped before the ack.</exception>
    /// <exception cref="TimeoutException">No ack within <see cref="MarketFeedClientOptions.RequestTimeout"/>.</exception>
    public async Task<SubscribeAckMessage> SubscribeResumingAsync(IReadOnlyList<string> symbols, DeliveryMode mode, int throttle, long epoch, IReadOnlyDictionary<string, long> lastSequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(lastSequences);
        if (symbols.Count == 0)
        {
            throw new ArgumentException("at least one symbol is required", nameof(symbols));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(throttle);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epoch);
        long id = NextRequestId();
        var resume = new Dictionary<string, long>(lastSequences, StringComparer.OrdinalIgnoreCase);
        var request = new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = id, Symbols = symbols, Mode = mode, Throttle = throttle, Epoch = epoch, Resume = resume };
        _subscribeResume[id] = resume;
        try
        {
            return (SubscribeAckMessage)await RequestAsync(request, new PendingRequest(id, request.Op, symbols.Count), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _subscribeResume.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Basket snapshot (docs/protocol.md section 5.1): subscribes <paramref name="symbols"/> (<c>["*"]</c> = every symbol
    /// this connection may see) and returns their states as of one global sequence of the feed, in the order of the ack.
    /// Every update that follows on <see cref="ReadAllAsync"/> is later than that sequence (full mode: gap-free from the
    /// basket's <c>seq</c>). Unknown or forbidden symbols are left out and reported as error messages on the stream, as
    /// for <see cref="SubscribeAsync(IReadOnlyList{string}, DeliveryMode, int, CancellationToken)"/>; the symbols stay subscribed (and are resubscribed after a reconnect).
    /// </summary>
    /// <exception cref="MarketFeedRequestException">The server rejected the request, or every symbol.</exception>
    /// <exception cref="MarketFeedConnectionException">Not connected, or the connection dropped before the reply.</exception>
    /// <exception cref="TimeoutException">No reply within <see cref="MarketFeedClientOptions.RequestTimeout"/>.</exception>
    public async Task<BasketMessage> SnapshotAsync(IReadOnlyList<string> symbols, DeliveryMode mode = DeliveryMode.Conflated, int throttle = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Count == 0)
        {
            throw new ArgumentException("at least one symbol (or \"*\") is required", nameof(symbols));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(throttle);
        long id = NextRequestId();
        var request = new ControlRequest { Op = ControlRequest.Ops.Snapshot, Id = id, Symbols = symbols, Mode = mode, Throttle = throttle };
        return (BasketMessage)await RequestAsync(request, new PendingRequest(id, request.Op, symbols.Count), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unsubscribes <paramref name="symbols"/> (<c>["*"]</c> = all) and returns the ack.</summary>
    public async Task<UnsubscribeAckMessage> UnsubscribeAsync(IReadOnlyList<string> symbols, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        long id = NextRequestId();
        var request = new ControlRequest { Op = ControlRequest.Ops.Unsubscribe, Id = id, Symbols = symbols };
        return (UnsubscribeAckMessage)await RequestAsync(request, new PendingRequest(id, request.Op), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pings the server and measures the round trip with the client's monotonic clock.</summary>
    public async Task<PingResult> PingAsync(CancellationToken cancellationToken = default)
    {
        long id = NextRequestId();
        long clientTime = UnixTime.NowNanos(_time);
        long started = _time.GetTimestamp();
        var request = new ControlRequest { Op = ControlRequest.Ops.Ping, Id = id, Time = clientTime };
        var pong = (PongMessage)await RequestAsync(request, new PendingRequest(id, request.Op), cancellationToken).ConfigureAwait(false);
        return new PingResult(_time.GetElapsedTime(started), clientTime, pong.ServerTime);
    }

    /// <summary>Lists the server's symbols with reference data; <paramref name="match"/> is an optional case-insensitive name prefix.</summary>
    public async Task<IReadOnlyList<SymbolInfo>> GetSymbolsAsync(string? match = null, CancellationToken cancellationToken = default)
    {
        long id = NextRequestId();
        var request = new ControlRequest { Op = ControlRequest.Ops.Symbols, Id = id, Match = match };
        var reply = (SymbolDirectoryMessage)await RequestAsync(request, new PendingRequest(id, request.Op), cancellationToken).ConfigureAwait(false);
        return reply.Symbols;
    }

    /// <summary>Lists the datasets available for replay.</summary>
    public async Task<IReadOnlyList<CatalogEntry>> GetCatalogAsync(CancellationToken cancellationToken = default)
    {
        long id = NextRequestId();
        var request = new ControlRequest { Op = ControlRequest.Ops.Catalog, Id = id };
        var reply = (CatalogMessage)await RequestAsync(request, new PendingRequest(id, request.Op), cancellationToken).ConfigureAwait(false);
        return reply.Datasets;
    }

    /// <summary>
    /// Asks for OHLCV bars of one symbol (docs/protocol.md 4.11): of the live feed, or of a replay
    /// dataset when <paramref name="dataset"/> is given. <paramref name="from"/>/<paramref name="to"/>
    /// select bars by start (ns); <paramref name="last"/> keeps only the newest N. Errors arrive as
    /// <see cref="MarketFeedRequestException"/> with the documented code.
    /// </summary>
    public async Task<BarsMessage> GetBarsAsync(string symbol, string interval, long? from = null, long? to = null, int? last = null, string? dataset = null, CancellationToken cancellationToken = default)
    {
        long id = NextRequestId();
        var request = new ControlRequest { Op = ControlRequest.Ops.Bars, Id = id, Symbol = symbol, Interval = interval, From = from, To = to, Last = last, Dataset = dataset };
        return (BarsMessage)await RequestAsync(request, new PendingRequest(id, request.Op), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a replay and returns the replay start (replay id, effective range, replay symbol ids). Ticks, replay
    /// status and the replay end follow on <see cref="ReadAllAsync"/>. A replay does not survive a reconnect.
    /// </summary>
    public async Task<ReplayStartMessage> ReplayAsync(ReplayRequest replay, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replay);
        long id = NextRequestId();
        var request = new ControlRequest
        {
            Op = ControlRequest.Ops.Replay,
            Id = id,
            Dataset = replay.Dataset,
            Symbols = replay.Symbols,
            From = replay.From,
            To = replay.To,
            Speed = replay.Speed,
            Mode = replay.Mode,
            Throttle = replay.Throttle,
            SkipDamage = replay.SkipDamage,
            ContinueLive = replay.ContinueLive,
            Bars = replay.Bars is { Count: > 0 } bars ? bars : null,
        };
        return (ReplayStartMessage)await RequestAsync(request, new PendingRequest(id, request.Op), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pauses a replay; returns the replay status that says "paused".</summary>
    public Task<ReplayStatusMessage> PauseReplayAsync(long replayId, CancellationToken cancellationToken = default) =>
        ReplayControlAsync(ControlRequest.Ops.ReplayPause, replayId, "paused", null, null, cancellationToken);

    /// <summary>Resumes a paused replay; returns the replay status that says "playing".</summary>
    public Task<ReplayStatusMessage> ResumeReplayAsync(long replayId, CancellationToken cancellationToken = default) =>
        ReplayControlAsync(ControlRequest.Ops.ReplayResume, replayId, "playing", null, null, cancellationToken);

    /// <summary>Changes a replay's speed (<see cref="double.PositiveInfinity"/> = "max"); returns the next replay status.</summary>
    public Task<ReplayStatusMessage> SetReplaySpeedAsync(long replayId, double speed, CancellationToken cancellationToken = default) =>
        ReplayControlAsync(ControlRequest.Ops.ReplaySpeed, replayId, null, speed, null, cancellationToken);

    /// <summary>Moves a replay to <paramref name="time"/> (ns since the epoch); snapshots at the new position follow on the stream.</summary>
    public Task<ReplayStatusMessage> SeekReplayAsync(long replayId, long time, CancellationToken cancellationToken = default) =>
        ReplayControlAsync(ControlRequest.Ops.ReplaySeek, replayId, null, null, time, cancellationToken);

    /// <summary>Stops a replay; returns the replay end (reason "stopped").</summary>
    public async Task<ReplayEndMessage> StopReplayAsync(long replayId, CancellationToken cancellationToken = default)
    {
        long id = NextRequestId();
        var request = new ControlRequest { Op = ControlRequest.Ops.ReplayStop, Id = id, ReplayId = replayId };
        return (ReplayEndMessage)await RequestAsync(request, new PendingRequest(id, request.Op, replayId: replayId), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReplayStatusMessage> ReplayControlAsync(string op, long replayId, string? expectedState, double? speed, long? time, CancellationToken cancellationToken)
    {
        // Replay status (kind 14) carries no request id: the reply is matched by replay id (and state, where the op implies one).
        long id = NextRequestId();
        var request = new ControlRequest { Op = op, Id = id, ReplayId = replayId, Speed = speed, Time = time };
        return (ReplayStatusMessage)await RequestAsync(request, new PendingRequest(id, op, replayId: replayId, expectedReplayState: expectedState), cancellationToken).ConfigureAwait(false);
    }

    private long NextRequestId() => Interlocked.Increment(ref _nextRequestId);

    private async Task<ServerMessage> RequestAsync(ControlRequest request, PendingRequest pending, CancellationToken cancellationToken)
    {
        var connection = _connection;
        if (connection is null || State != ConnectionState.Connected)
        {
            throw new MarketFeedConnectionException($"not connected (state {State}); '{request.Op}' not sent");
        }

        _pending[pending.Id] = pending;
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await SendAsync(connection, ControlRequestWriter.ToMessagePack(request), linked.Token).ConfigureAwait(false);
            return await pending.Completion.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no reply to '{request.Op}' (id {request.Id}) within {_options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            throw new MarketFeedConnectionException($"'{request.Op}' could not be sent: {ex.Message}", ex);
        }
        finally
        {
            _pending.TryRemove(pending.Id, out _);
        }
    }

    private static async Task SendAsync(FeedConnection connection, byte[] payload, CancellationToken cancellationToken)
    {
        await connection.SendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.Socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            connection.SendLock.Release();
        }
    }
}
