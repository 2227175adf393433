using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Auth;
using MarketFeed.Gateway.Bars;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Diagnostics;
using MessagePack;

namespace MarketFeed.Gateway.Connections;

internal sealed partial class Connection
{
    private readonly PooledBufferWriter _replyBuffer = new(512);

    /// <summary>Optional replay handler (set when replay datasets are configured).</summary>
    public IReplayHandler? Replay { get; init; }

    /// <summary>Serves <c>bars</c> requests (null: the op answers 405 as unknown).</summary>
    public Bars.BarService? Bars { get; init; }

    /// <summary>A scale-out gateway's upstream state, told after the welcome when not fine (null elsewhere).</summary>
    public UpstreamNotice? Upstream { get; init; }

    private void Dispatch(ControlRequest request)
    {
        switch (request.Op)
        {
            case ControlRequest.Ops.Subscribe:
                Subscribe(request);
                break;
            case ControlRequest.Ops.Unsubscribe:
                Unsubscribe(request);
                break;
            case ControlRequest.Ops.Snapshot:
                SubscribeBasket(request);
                break;
            case ControlRequest.Ops.Ping:
                Reply((request.Id, request.Time ?? 0, UnixTime.NowNanos(_time)), static (ref w, s) => MessageEncoder.WritePong(ref w, s.Id, s.Item2, s.Item3));
                break;
            case ControlRequest.Ops.Symbols:
                Directory(request);
                break;
            case ControlRequest.Ops.Catalog:
                Reply((request.Id, Replay?.Catalog() ?? []), static (ref w, s) => MessageEncoder.WriteCatalog(ref w, s.Id, s.Item2));
                break;
            case ControlRequest.Ops.Replay:
            case ControlRequest.Ops.ReplayPause:
            case ControlRequest.Ops.ReplayResume:
            case ControlRequest.Ops.ReplaySpeed:
            case ControlRequest.Ops.ReplaySeek:
            case ControlRequest.Ops.ReplayStop:
                if (request.Op == ControlRequest.Ops.Replay && !Identity.Entitlements.AllowsDataset(request.Dataset))
                {
                    CountError();
                    ReplyError(request.Id, ErrorCode.Forbidden, Identity.Entitlements.Replay ? $"not entitled to dataset '{Truncate(request.Dataset ?? string.Empty)}'" : "not entitled to replays", null);
                }
                else if (Replay is null)
                {
                    ReplyError(request.Id, request.Op == ControlRequest.Ops.Replay ? ErrorCode.UnknownDataset : ErrorCode.Conflict, "no replay datasets are configured on this server", null);
                }
                else
                {
                    Replay.Handle(request, this);
                }

                break;
            case ControlRequest.Ops.Bars when Bars is not null:
                SendBars(request, Bars);
                break;
            default:
                throw new ControlRequestException(ErrorCode.UnknownOp, $"unknown op '{Truncate(request.Op)}'");
        }
    }

    /// <summary>
    /// A replay that continues live (docs/protocol.md section 6.1): subscribes its symbols on the live
    /// feed as if the client had sent <paramref name="request"/> (same checks, same ack and errors,
    /// with the replay request's id). Called by the replay loop after its end message.
    /// </summary>
    internal void SubscribeAfterReplay(ControlRequest request)
    {
        try
        {
            Subscribe(request);
        }
        catch (ControlRequestException ex)
        {
            ReplyError(request.Id, ex.Code, ex.Message, null);
        }
    }

    /// <summary>
    /// The mode and throttle a subscribe or snapshot gets: full + throttle is 400, full mode without
    /// the entitlement 403 (<paramref name="fullRefusalHint"/> says what to do instead), and a conflated
    /// throttle never faster than the entitlement's minimum (the ack carries the granted one).
    /// </summary>
    private (DeliveryMode Mode, int Throttle) GrantedModeAndThrottle(ControlRequest request, string fullRefusalHint)
    {
        DeliveryMode mode = request.Mode ?? DeliveryMode.Conflated;
        int throttle = request.Throttle ?? 0;
        if (mode == DeliveryMode.Full && throttle > 0)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'throttle' applies to conflated mode only");
        }

        Entitlements entitled = Identity.Entitlements;
        if (mode == DeliveryMode.Full && !entitled.FullMode)
        {
            throw new ControlRequestException(ErrorCode.Forbidden, "not entitled to full mode; " + fullRefusalHint);
        }

        if (mode == DeliveryMode.Conflated && entitled.MinThrottle > 0 && (throttle == 0 || throttle > entitled.MinThrottle))
        {
            throttle = entitled.MinThrottle;
        }

        return (mode, throttle);
    }

    private void Subscribe(ControlRequest request)
    {
        if (request.Symbols is not { Count: > 0 } names)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "subscribe needs 'symbols': a non-empty array of symbol names");
        }

        (DeliveryMode mode, int throttle) = GrantedModeAndThrottle(request, "subscribe in conflated mode");
        Entitlements entitled = Identity.Entitlements;

        uint barMask = LiveBarMask(request.Bars);
        var accepted = new List<SymbolInfo>(names.Count);
        RejectedSymbols unknown = default;
        RejectedSymbols forbidden = default;
        lock (_gate)
        {
            // Replies first (errors, then the ack), then the subscriptions: the sender frames the
            // outbox before it drains the subscriber, so snapshots follow their ack.
            var ids = new List<int>(names.Count);
            int maxSymbols = entitled.MaxSubscriptions > 0 ? Math.Min(entitled.MaxSubscriptions, _options.MaxSymbolsPerConnection) : _options.MaxSymbolsPerConnection;
            int room = maxSymbols - _live.SymbolCount;
            var held = new HashSet<int>(_live.SubscribedSymbols());
            bool limitReported = false;
            foreach (string name in names)
            {
                if (!_runtime.Universe.TryGet(name, out SymbolInfo symbol))
                {
                    unknown.Add(name);
                    continue;
                }

                if (!entitled.AllowsSymbol(symbol.Name))
                {
                    forbidden.Add(symbol.Name);
                    continue;
                }

                if (ids.Contains(symbol.Id))
                {
                    continue;
                }

                if (!held.Contains(symbol.Id))
                {
                    if (room <= 0)
                    {
                        if (!limitReported)
                        {
                            ReplyErrorLocked(request.Id, ErrorCode.LimitExceeded, $"at most {maxSymbols} symbols per connection; '{symbol.Name}' and later symbols not subscribed", symbol.Name);
                            limitReported = true;
                        }

                        continue;
                    }

                    room--;
                }

                ids.Add(symbol.Id);
                accepted.Add(symbol);
            }

            ReplyUnknownSymbolsLocked(request.Id, ref unknown);
            ReplyForbiddenSymbolsLocked(request.Id, ref forbidden);

            // A resume counts only within the engine's epoch; otherwise every symbol gets a snapshot.
            IReadOnlyDictionary<string, long>? resume = request.Resume;
            bool sameEpoch = resume is not null && request.Epoch == _runtime.Engine.Epoch;
            List<bool>? recovered = resume is null ? null : new List<bool>(ids.Count);
            for (int i = 0; i < ids.Count; i++)
            {
                long resumeAfter = sameEpoch && resume!.TryGetValue(accepted[i].Name, out long last) ? last : -1;
                bool snapshot = request.Snapshot || resume?.ContainsKey(accepted[i].Name) == true;
                SubscribeOutcome outcome = _live.Subscribe(ids[i], mode, throttle, snapshot, resumeAfter);
                recovered?.Add(outcome == SubscribeOutcome.Recovered);
                if (barMask != 0 && outcome is SubscribeOutcome.Subscribed or SubscribeOutcome.Recovered)
                {
                    (_liveBars ??= new BarSubscriptions(Bars!.Live!)).Set(ids[i], barMask);
                }
                else
                {
                    _liveBars?.Remove(ids[i]); // a subscribe replaces the symbol's subscription, its bars included
                }
            }

            // Under the same lock as the subscriptions: the sender frames this ack before their data.
            EnqueueLocked((request.Id, mode, throttle, accepted, recovered), static (ref w, s) => MessageEncoder.WriteSubscribeAck(ref w, s.Id, s.mode, s.throttle, s.accepted, s.recovered));
        }

        _signal.Set();
        CountRejected(unknown);
        CountRejected(forbidden);
    }

    /// <summary>
    /// The live store's intervals a subscribe's <c>bars</c> names, as a bit mask (0: none). A name that
    /// is not an interval, or one the live feed does not keep, refuses the whole request with 400.
    /// </summary>
    private uint LiveBarMask(IReadOnlyList<string>? names)
    {
        if (names is not { Count: > 0 })
        {
            return 0;
        }

        if (Bars?.Live is not { } store)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'bars': this server keeps no bars (Bars:Enabled is false)");
        }

        return BarIntervalMask.Parse(names, store);
    }

    /// <summary>One 403 for the symbols of a request this identity is not entitled to; the rest goes through.</summary>
    private void ReplyForbiddenSymbolsLocked(long requestId, ref RejectedSymbols forbidden)
    {
        if (forbidden.Count == 0)
        {
            return;
        }

        List<string> listed = forbidden.Listed!;
        string message = forbidden.Count == 1 ? $"not entitled to '{listed[0]}'" : $"not entitled to {forbidden.Count} symbols";
        _metrics.ControlError();
        ServerLog.ControlError(_logger, Id, (int)ErrorCode.Forbidden, message);
        EnqueueLocked((requestId, message, listed), static (ref w, s) => MessageEncoder.WriteError(ref w, s.requestId, ErrorCode.Forbidden, s.message, s.listed[0], s.listed));
    }

    private void Unsubscribe(ControlRequest request)
    {
        if (request.Symbols is not { Count: > 0 } names)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "unsubscribe needs 'symbols': an array of symbol names, or [\"*\"] for all");
        }

        var removed = new List<string>();
        RejectedSymbols unknown = default;
        lock (_gate)
        {
            if (names.Count == 1 && names[0] == "*")
            {
                _liveBars?.Clear();
                foreach (int id in _live.SubscribedSymbols())
                {
                    _live.Unsubscribe(id);
                    removed.Add(_runtime.Universe[id].Name);
                }
            }
            else
            {
                foreach (string name in names)
                {
                    if (!_runtime.Universe.TryGet(name, out SymbolInfo symbol))
                    {
                        unknown.Add(name);
                    }
                    else if (_live.Unsubscribe(symbol.Id))
                    {
                        _liveBars?.Remove(symbol.Id);
                        removed.Add(symbol.Name);
                    }
                }
            }

            ReplyUnknownSymbolsLocked(request.Id, ref unknown);
            EnqueueLocked((request.Id, removed), static (ref w, s) => MessageEncoder.WriteUnsubscribeAck(ref w, s.Id, s.removed));
        }

        _signal.Set();
        CountRejected(unknown);
    }

    /// <summary>
    /// One error for all unknown symbols of a request (not one per symbol: a 20 KB subscribe of
    /// 10,000 unknown names once produced 420 KB of replies), listing at most
    /// <see cref="RejectedSymbols.MaxListed"/> of them.
    /// </summary>
    private void ReplyUnknownSymbolsLocked(long requestId, ref RejectedSymbols unknown)
    {
        if (unknown.Count == 0)
        {
            return;
        }

        List<string> listed = unknown.Listed!;
        string message = unknown.Count == 1
            ? $"unknown symbol '{listed[0]}'"
            : unknown.Count == listed.Count
                ? $"{unknown.Count} unknown symbols"
                : $"{unknown.Count} unknown symbols (the first {listed.Count} listed)";
        _metrics.ControlError();
        ServerLog.ControlError(_logger, Id, (int)ErrorCode.UnknownSymbol, message);
        EnqueueLocked((requestId, message, listed), static (ref w, s) => MessageEncoder.WriteError(ref w, s.requestId, ErrorCode.UnknownSymbol, s.message, s.listed[0], s.listed));
    }

    /// <summary>A request naming unknown (or forbidden) symbols counts once toward the error limit (receive loop).</summary>
    private void CountRejected(RejectedSymbols unknown)
    {
        if (unknown.Count > 0)
        {
            CountError();
        }
    }

    private void Directory(ControlRequest request)
    {
        IReadOnlyList<SymbolInfo> all = _runtime.Universe.Symbols;
        IReadOnlyList<SymbolInfo> list = all;
        if (!string.IsNullOrEmpty(request.Match))
        {
            var filtered = new List<SymbolInfo>();
            foreach (SymbolInfo s in all)
            {
                if (s.Name.StartsWith(request.Match, StringComparison.OrdinalIgnoreCase))
                {
                    filtered.Add(s);
                }
            }

            list = filtered;
        }

        Reply((request.Id, list), static (ref w, s) => MessageEncoder.WriteSymbolDirectory(ref w, s.Id, s.list));
    }

    /// <summary>Queues the welcome (the first message); marks the connection as welcomed.</summary>
    internal void EnqueueWelcome()
    {
        var details = new List<KeyValuePair<string, object?>>
        {
            new("server", "MarketFeed"),
            new("protocol", 1),
            new("connectionId", Id),
            new("epoch", _runtime.Engine.Epoch),
            new("heartbeatMs", _options.HeartbeatIntervalMs),
            new("maxSymbolsPerConnection", Identity.Entitlements.MaxSubscriptions > 0 ? Math.Min(Identity.Entitlements.MaxSubscriptions, _options.MaxSymbolsPerConnection) : _options.MaxSymbolsPerConnection),
            new("maxControlMessageBytes", _options.MaxControlMessageBytes),
            new("fullQueueCapacity", _live.JournalCapacity),
            new("slowConsumerTimeoutMs", _options.SlowConsumerTimeoutMs),
            new("controlMessagesPerSecond", _options.ControlMessagesPerSecond),
            new("controlMessageBurst", _options.ControlMessageBurst),
            new("maxErrorsPerConnection", _options.MaxErrorsPerConnection),
            new("maxQueuedBytes", _options.MaxQueuedBytesPerConnection),
            new("pingIntervalMs", _options.PingIntervalMs),
            new("pingTimeoutMs", _options.PingTimeoutMs),
            new("auth", Identity.Kind),
            new("identity", Identity.Name),
        };
        if (Identity.IsAnonymous)
        {
            details.Add(new("warning", "authentication is off: anonymous access to every symbol, mode and replay"));
        }
        else
        {
            details.Add(new("fullMode", Identity.Entitlements.FullMode));
            details.Add(new("minThrottle", Identity.Entitlements.MinThrottle));
            details.Add(new("replay", Identity.Entitlements.Replay));
            if (Identity.ExpiresAt is { } expires)
            {
                details.Add(new("expiresAt", expires.ToUnixTimeMilliseconds() * 1_000_000));
            }
        }

        Reply(details, static (ref w, s) => MessageEncoder.WriteStatus(ref w, "welcome", s));
        Volatile.Write(ref _welcomed, 1);
    }

    /// <summary>True once the welcome is queued: later messages may follow it.</summary>
    internal bool IsWelcomed => Volatile.Read(ref _welcomed) != 0;

    /// <summary>Queues an error reply.</summary>
    internal void ReplyError(long requestId, ErrorCode code, string message, string? symbol)
    {
        lock (_gate)
        {
            ReplyErrorLocked(requestId, code, message, symbol);
        }

        _signal.Set();
    }

    /// <summary>Queues a reply message written by <paramref name="write"/>; sent before any later updates.</summary>
    internal void Reply<TState>(TState state, MessageWriterAction<TState> write)
    {
        lock (_gate)
        {
            EnqueueLocked(state, write);
        }

        _signal.Set();
    }

    /// <summary>Queues one error naming several symbols (<c>symbol</c> = the first, <c>symbols</c> = all of <paramref name="symbols"/>).</summary>
    internal void ReplyErrorListing(long requestId, ErrorCode code, string message, IReadOnlyList<string> symbols)
    {
        lock (_gate)
        {
            _metrics.ControlError();
            ServerLog.ControlError(_logger, Id, (int)code, message);
            EnqueueLocked((requestId, code, message, symbols), static (ref w, s) => MessageEncoder.WriteError(ref w, s.requestId, s.code, s.message, s.symbols[0], s.symbols));
        }

        _signal.Set();
    }

    private void ReplyErrorLocked(long requestId, ErrorCode code, string message, string? symbol)
    {
        _metrics.ControlError();
        ServerLog.ControlError(_logger, Id, (int)code, message);
        EnqueueLocked((requestId, code, message, symbol), static (ref w, s) => MessageEncoder.WriteError(ref w, s.requestId, s.code, s.message, s.symbol));
    }

    private void EnqueueLocked<TState>(TState state, MessageWriterAction<TState> write)
    {
        _replyBuffer.Clear();
        var writer = new MessagePackWriter(_replyBuffer);
        write(ref writer, state);
        writer.Flush();
        byte[] reply = _replyBuffer.WrittenSpan.ToArray();
        _outbox.Enqueue(reply);
        _outboxBytes += reply.Length;
        _replyBuffer.Release(); // replies are rare: an idle connection keeps no reply buffer
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    private void SendBars(ControlRequest request, Bars.BarService service)
    {
        Bars.BarsReply reply;
        try
        {
            reply = service.Query(request);
        }
        catch (Bars.BarRequestException ex)
        {
            ReplyError(request.Id, ex.Code, ex.Message, ex.Symbol);
            return;
        }

        Reply(
            (request.Id, reply),
            static (ref w, s) => MessageEncoder.WriteBars(ref w, s.Id, s.reply.Symbol, s.reply.Interval.Name, s.reply.PriceDecimals, s.reply.SizeDecimals, s.reply.Bars, s.reply.LastIsOpen, s.reply.Complete));
    }
}
