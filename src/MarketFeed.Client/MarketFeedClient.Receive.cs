using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <content>Receive loop: frames, dispatch, state cache and sequence checks.</content>
public sealed partial class MarketFeedClient
{
    /// <summary>Frames that could not be decoded (dropped; the connection carries on).</summary>
    public long MalformedFrameCount => Interlocked.Read(ref _malformedFrames);

    private long _malformedFrames;

    /// <summary>Reads frames until the connection ends; never throws. Runs on a thread-pool thread, one per connection.</summary>
    private async Task<DisconnectInfo> ReceiveLoopAsync(FeedConnection connection)
    {
        var socket = connection.Socket;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.ReceiveBufferSize);
        var messages = new List<ServerMessage>(64);
        try
        {
            while (true)
            {
                int count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (count == buffer.Length)
                    {
                        byte[] bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, count).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None).ConfigureAwait(false);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return await OnServerCloseAsync(connection).ConfigureAwait(false);
                }

                connection.MarkFrameReceived();
                if (result.MessageType != WebSocketMessageType.Binary)
                {
                    continue; // v1 servers send binary frames only.
                }

                var frame = new ReadOnlyMemory<byte>(buffer, 0, count);
                long receivedAt = _options.FrameHandler is null && _options.RawHandler is null ? 0 : UnixTime.NowNanos(_time);
                InvokeFrameHandler(frame, receivedAt);
                messages.Clear();
                DecodeFrame(frame, messages, receivedAt);
                for (int i = 0; i < messages.Count; i++)
                {
                    if (Dispatch(connection, messages[i]))
                    {
                        await PublishFromReceiveLoopAsync(connection, messages[i]).ConfigureAwait(false);
                    }
                }

                connection.Welcome.TrySetResult(null);
                if (Volatile.Read(ref _receivePause) is { } pause)
                {
                    await WaitWhileReceivingPausedAsync(connection, pause).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            var cause = connection.ForcedCause ?? DisconnectCause.ConnectionLost;
            var status = socket.CloseStatus;
            if (cause == DisconnectCause.ConnectionLost && status is not null)
            {
                cause = DisconnectCause.ServerClosed;
            }

            return new DisconnectInfo(cause, (int?)status, socket.CloseStatusDescription, cause == DisconnectCause.ConnectionLost ? ex : null, _time.GetUtcNow());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            connection.Welcome.TrySetException(new MarketFeedConnectionException("the connection closed before the server's welcome"));
        }
    }

    private async Task<DisconnectInfo> OnServerCloseAsync(FeedConnection connection)
    {
        var socket = connection.Socket;
        var cause = connection.ForcedCause ?? DisconnectCause.ServerClosed;
        if (socket.State == WebSocketState.CloseReceived)
        {
            // Complete the closing handshake so the server sees a clean close.
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.SendLock.WaitAsync(timeout.Token).ConfigureAwait(false);
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, timeout.Token).ConfigureAwait(false);
                }
                finally
                {
                    connection.SendLock.Release();
                }
            }
            catch (Exception)
            {
                // The peer is gone already; nothing to complete.
            }
        }

        return new DisconnectInfo(cause, (int?)socket.CloseStatus, socket.CloseStatusDescription, null, _time.GetUtcNow());
    }

    private void InvokeFrameHandler(ReadOnlyMemory<byte> frame, long receivedAt)
    {
        var handler = _options.FrameHandler;
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(frame, receivedAt);
        }
        catch (Exception)
        {
            // The hook belongs to the application; its failures must not kill the receive loop.
        }
    }

    private void DecodeFrame(ReadOnlyMemory<byte> frame, List<ServerMessage> messages, long receivedAt)
    {
        try
        {
            if (_options.DecodeMarketData)
            {
                FrameDecoder.Decode(frame, messages);
                return;
            }

            // Load-generator path: read quotes and trades without allocating and hand them to the raw handler (or drop
            // them); decode only the other messages, for the handler and for the client itself.
            var raw = _options.RawHandler;
            if (raw is not null)
            {
                RawOnFrame(raw, frame, receivedAt);
            }

            var reader = new FrameReader(frame);
            while (reader.Remaining > 0)
            {
                if (reader.TryReadTick(out Tick tick, out ServerMessage? other))
                {
                    if (raw is not null)
                    {
                        RawOnTick(raw, in tick, receivedAt);
                    }
                }
                else
                {
                    messages.Add(other!);
                    if (raw is not null)
                    {
                        RawOnMessage(raw, other!, receivedAt);
                    }
                }
            }
        }
        catch (Exception)
        {
            // Keep what decoded before the fault (MessagePackSerializationException, EndOfStreamException, ...):
            // one broken frame must not take the connection down.
            Interlocked.Increment(ref _malformedFrames);
        }
    }

    // The raw handler belongs to the application; its failures must not kill the receive loop.
    private static void RawOnFrame(IRawFeedHandler raw, ReadOnlyMemory<byte> frame, long receivedAt)
    {
        try
        {
            raw.OnFrame(frame, receivedAt);
        }
        catch (Exception)
        {
        }
    }

    private static void RawOnTick(IRawFeedHandler raw, in Tick tick, long receivedAt)
    {
        try
        {
            raw.OnTick(in tick, receivedAt);
        }
        catch (Exception)
        {
        }
    }

    private static void RawOnMessage(IRawFeedHandler raw, ServerMessage message, long receivedAt)
    {
        try
        {
            raw.OnMessage(message, receivedAt);
        }
        catch (Exception)
        {
        }
    }

    private ValueTask PublishFromReceiveLoopAsync(FeedConnection connection, ServerMessage message)
    {
        if (_options.OverflowPolicy == MessageOverflowPolicy.DropAndReport || _channel.Writer.TryWrite(message))
        {
            if (_options.OverflowPolicy == MessageOverflowPolicy.DropAndReport)
            {
                Publish(message);
            }

            return ValueTask.CompletedTask;
        }

        return WaitForRoomAsync(connection, message);
    }

    private async ValueTask WaitForRoomAsync(FeedConnection connection, ServerMessage message)
    {
        connection.SetReaderBlocked(true);
        try
        {
            await _channel.Writer.WriteAsync(message, _lifetime.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
        }
        finally
        {
            connection.SetReaderBlocked(false);
        }
    }

    /// <summary>Applies one message to the client's state; returns false if it must not be published.</summary>
    private bool Dispatch(FeedConnection connection, ServerMessage message)
    {
        switch (message)
        {
            case QuoteMessage q:
                OnTick(connection, q.SymbolId, q.Sequence, q, null);
                return true;
            case TradeMessage t:
                OnTick(connection, t.SymbolId, t.Sequence, null, t);
                return true;
            case SnapshotMessage s:
                OnSnapshot(s);
                return true;
            case SubscribeAckMessage ack:
                OnSubscribeAck(ack);
                if (!_pending.TryGetValue(ack.RequestId, out var forAck) || forAck.Op != ControlRequest.Ops.Snapshot)
                {
                    Complete(ack.RequestId, ack); // a snapshot request completes with its basket, which follows
                }

                return true;
            case BasketMessage basket:
                foreach (MarketSnapshot state in basket.States)
                {
                    OnSnapshot(new SnapshotMessage(state));
                }

                Complete(basket.RequestId, basket);
                return true;
            case ErrorMessage error:
                OnError(error);
                return true;
            case StatusMessage status:
                if (status.State == "welcome")
                {
                    lock (_stateLock)
                    {
                        _serverDetails = status.Details;
                        _epoch = status.Details.TryGetValue("epoch", out object? epoch) && epoch is long e ? e : 0;
                    }

                    connection.Welcome.TrySetResult(status);
                }

                return true;
            case UnsubscribeAckMessage unsub:
                OnUnsubscribeAck(unsub);
                Complete(unsub.RequestId, unsub);
                return true;
            case ReplayStartMessage start:
                OnReplayStart(start);
                Complete(start.RequestId, start);
                return true;
            case ReplayStatusMessage replayStatus:
                CompleteReplayControl(replayStatus.ReplayId, replayStatus.State, replayStatus, endOnly: false);
                return true;
            case ReplayEndMessage end:
                if (end.Reason == "live")
                {
                    OnReplayTurnsLive();
                }

                if (!Complete(end.RequestId, end))
                {
                    CompleteReplayControl(end.ReplayId, null, end, endOnly: true);
                }

                return true;
            case PongMessage pong:
                Complete(pong.RequestId, pong);
                return true;
            case SymbolDirectoryMessage directory:
                Complete(directory.RequestId, directory);
                return true;
            case CatalogMessage catalog:
                Complete(catalog.RequestId, catalog);
                return true;
            case BarsMessage bars:
                Complete(bars.RequestId, bars);
                return true;
            default:
                return true;
        }
    }

    private bool Complete(long requestId, ServerMessage reply)
    {
        if (requestId != 0 && _pending.TryGetValue(requestId, out var pending))
        {
            return pending.Completion.TrySetResult(reply);
        }

        return false;
    }

    private void CompleteReplayControl(long replayId, string? state, ServerMessage reply, bool endOnly)
    {
        foreach (var pending in _pending.Values)
        {
            if (pending.ReplayId != replayId)
            {
                continue;
            }

            bool isStop = pending.Op == ControlRequest.Ops.ReplayStop;
            if (endOnly ? isStop : (!isStop && (pending.ExpectedReplayState is null || pending.ExpectedReplayState == state)))
            {
                if (pending.Completion.TrySetResult(reply))
                {
                    return;
                }
            }
        }
    }

    private void OnError(ErrorMessage error)
    {
        if (error.RequestId == 0 || !_pending.TryGetValue(error.RequestId, out var pending))
        {
            return;
        }

        if (pending.Op is ControlRequest.Ops.Subscribe or ControlRequest.Ops.Snapshot && error.Symbol is not null)
        {
            // Per-symbol rejections (404, 403, 422) come alongside the ack; fail only if every symbol was rejected.
            // One error may reject several symbols (all unknown symbols of a request, in Symbols).
            (pending.SymbolErrors ??= []).Add(error);
            pending.RejectedSymbolCount += error.Symbols?.Count ?? 1;
            if (pending.RejectedSymbolCount >= pending.SymbolCount)
            {
                pending.Completion.TrySetException(new MarketFeedRequestException(error));
            }

            return;
        }

        pending.Completion.TrySetException(new MarketFeedRequestException(error));
    }

    private void OnSubscribeAck(SubscribeAckMessage ack)
    {
        _subscribeBars.TryRemove(ack.RequestId, out IReadOnlyList<string>? bars);
        _subscribeResume.TryGetValue(ack.RequestId, out Dictionary<string, long>? resumeFrom);
        List<string>? recovered = ack.Recovered is null ? null : [];
        List<string>? notRecovered = ack.Recovered is null ? null : [];
        lock (_stateLock)
        {
            for (int i = 0; i < ack.Symbols.Count; i++)
            {
                SymbolRef symbol = ack.Symbols[i];
                if (_liveByName.TryGetValue(symbol.Symbol, out var state))
                {
                    state.Reference = symbol;
                    state.Mode = ack.Mode;
                    state.Throttle = ack.Throttle;
                    state.Snapshot.SymbolId = symbol.SymbolId;
                }
                else
                {
                    state = new SymbolState(symbol, ack.Mode, ack.Throttle, isReplay: false);
                    _liveByName[symbol.Symbol] = state;
                }

                if (resumeFrom is not null && resumeFrom.TryGetValue(symbol.Symbol, out long resumeSeq))
                {
                    state.ResumeAfter = resumeSeq;
                }

                if (ack.Recovered is { } flags && i < flags.Count && flags[i] && state.ResumeAfter >= 0)
                {
                    // Recovered: no snapshot; the next update continues right after what we hold.
                    state.AwaitingSnapshot = false;
                    state.HasBaseline = true;
                    state.LastSequence = state.ResumeAfter;
                    recovered!.Add(symbol.Symbol);
                }
                else
                {
                    // The ack is followed by a snapshot (the client always asks for one): check sequences from there.
                    state.AwaitingSnapshot = true;
                    state.HasBaseline = false;
                    notRecovered?.Add(symbol.Symbol);
                }

                state.ResumeAfter = -1;
                _byId[symbol.SymbolId] = state;
                _subscriptions[symbol.Symbol] = new Subscription(symbol.Symbol, ack.Mode, ack.Throttle, bars);
            }
        }

        if (recovered is not null)
        {
            var outcome = new SubscriptionsResumedMessage(recovered, notRecovered!);
            Publish(outcome);
            try
            {
                SubscriptionsResumed?.Invoke(this, outcome);
            }
            catch (Exception)
            {
                // A faulty handler must not break the receive loop.
            }
        }
    }

    private void OnUnsubscribeAck(UnsubscribeAckMessage ack)
    {
        lock (_stateLock)
        {
            foreach (string symbol in ack.Symbols)
            {
                if (symbol == "*")
                {
                    foreach (var state in _liveByName.Values)
                    {
                        _byId.Remove(state.Reference.SymbolId);
                    }

                    _liveByName.Clear();
                    _subscriptions.Clear();
                    return;
                }

                if (_liveByName.Remove(symbol, out var removed))
                {
                    _byId.Remove(removed.Reference.SymbolId);
                }

                _subscriptions.Remove(symbol);
            }
        }
    }

    /// <summary>
    /// A replay continues live (protocol 6.1): the live subscribe ack that follows says per symbol
    /// whether the live sequence continues right after the replay's; mark where each symbol stands.
    /// </summary>
    private void OnReplayTurnsLive()
    {
        lock (_stateLock)
        {
            foreach (SymbolState replay in _byId.Values)
            {
                if (!replay.IsReplay || !replay.HasBaseline)
                {
                    continue;
                }

                if (!_liveByName.TryGetValue(replay.Reference.Symbol, out SymbolState? live))
                {
                    live = new SymbolState(replay.Reference, replay.Mode, replay.Throttle, isReplay: false);
                    _liveByName[replay.Reference.Symbol] = live;
                }

                live.ResumeAfter = replay.LastSequence;
            }
        }
    }

    private void OnReplayStart(ReplayStartMessage start)
    {
        lock (_stateLock)
        {
            foreach (var symbol in start.Symbols)
            {
                _byId[symbol.SymbolId] = new SymbolState(symbol, start.Mode, 0, isReplay: true);
            }
        }
    }

    private void OnSnapshot(SnapshotMessage message)
    {
        var snapshot = message.State;
        lock (_stateLock)
        {
            if (!_byId.TryGetValue(snapshot.SymbolId, out var state))
            {
                return;
            }

            state.Snapshot = snapshot;
            state.LastSequence = snapshot.Sequence;
            state.HasBaseline = true;
            state.AwaitingSnapshot = false;
            state.HasData = true;
        }
    }

    private void OnTick(FeedConnection connection, int symbolId, long sequence, QuoteMessage? quote, TradeMessage? trade)
    {
        SequenceGapMessage? gap = null;
        lock (_stateLock)
        {
            if (!_byId.TryGetValue(symbolId, out var state))
            {
                return;
            }

            if (state.AwaitingSnapshot || !state.HasBaseline)
            {
                // Between a (re)subscribe and its snapshot, updates may belong to the old subscription: apply, do not check.
                state.HasBaseline = !state.AwaitingSnapshot;
                state.LastSequence = sequence;
            }
            else if (state.Mode == DeliveryMode.Full)
            {
                long expected = state.LastSequence + 1;
                if (sequence > expected)
                {
                    bool resubscribe = _options.ResubscribeOnGap && !state.IsReplay;
                    gap = new SequenceGapMessage(symbolId, state.Reference.Symbol, state.Mode, SequenceAnomaly.Gap, expected, sequence, resubscribe);
                    state.LastSequence = sequence;
                    if (resubscribe)
                    {
                        state.AwaitingSnapshot = true;
                    }
                }
                else if (sequence < expected)
                {
                    gap = new SequenceGapMessage(symbolId, state.Reference.Symbol, state.Mode, SequenceAnomaly.Backward, expected, sequence, false);
                }
                else
                {
                    state.LastSequence = sequence;
                }
            }
            else if (sequence < state.LastSequence)
            {
                // Conflated: jumps forward are conflation; only a step back is wrong. Equal seq is a harmless repeat.
                gap = new SequenceGapMessage(symbolId, state.Reference.Symbol, state.Mode, SequenceAnomaly.Backward, state.LastSequence, sequence, false);
            }
            else
            {
                state.LastSequence = sequence;
            }

            // Per-kind "newer only": a stale update never overwrites the cache.
            if (quote is not null)
            {
                state.ApplyQuote(quote);
            }
            else
            {
                state.ApplyTrade(trade!);
            }
        }

        if (gap is not null)
        {
            ReportGap(connection, gap);
        }
    }

    private void ReportGap(FeedConnection connection, SequenceGapMessage gap)
    {
        Interlocked.Increment(ref _gapCount);
        Publish(gap);
        try
        {
            SequenceGapDetected?.Invoke(this, gap);
        }
        catch (Exception)
        {
            // Application handler failures must not break the receive loop.
        }

        if (gap.Resubscribed && gap.Symbol is not null)
        {
            var request = new ControlRequest
            {
                Op = ControlRequest.Ops.Subscribe,
                Id = NextRequestId(),
                Symbols = [gap.Symbol],
                Mode = gap.Mode,
                Throttle = TryGetThrottle(gap.Symbol),
            };
            _ = SendIgnoringFailureAsync(connection, ControlRequestWriter.ToMessagePack(request));
        }
    }

    private int TryGetThrottle(string symbol)
    {
        lock (_stateLock)
        {
            return _subscriptions.TryGetValue(symbol, out var sub) ? sub.Throttle : 0;
        }
    }

    private async Task SendIgnoringFailureAsync(FeedConnection connection, byte[] payload)
    {
        try
        {
            await SendAsync(connection, payload, _lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is going down; the reconnect resubscribes everything anyway.
        }
    }
}
