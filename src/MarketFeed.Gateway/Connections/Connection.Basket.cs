using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Auth;
using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Connections;

internal sealed partial class Connection
{
    /// <summary>
    /// <c>snapshot</c> (docs/protocol.md section 5.1): subscribes a basket of symbols (or every symbol
    /// the connection may see) and sends, after the errors and the subscribe ack, one basket message
    /// with their states as of one global sequence; the live updates that follow are all later.
    /// Unknown, forbidden and over-the-limit symbols are answered as for <c>subscribe</c>.
    /// </summary>
    private void SubscribeBasket(ControlRequest request)
    {
        if (request.Symbols is not { Count: > 0 } names)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "snapshot needs 'symbols': a non-empty array of symbol names, or [\"*\"] for every symbol");
        }

        (DeliveryMode mode, int throttle) = GrantedModeAndThrottle(request, "ask for the snapshot in conflated mode");
        Entitlements entitled = Identity.Entitlements;

        bool all = names.Count == 1 && names[0] == "*";
        RejectedSymbols unknown = default;
        RejectedSymbols forbidden = default;
        lock (_gate)
        {
            var accepted = new List<SymbolInfo>();
            var ids = new List<int>();
            int maxSymbols = entitled.MaxSubscriptions > 0 ? Math.Min(entitled.MaxSubscriptions, _options.MaxSymbolsPerConnection) : _options.MaxSymbolsPerConnection;
            int room = maxSymbols - _live.SymbolCount;
            var held = new HashSet<int>(_live.SubscribedSymbols());
            var taken = new HashSet<int>();
            bool limitReported = false;

            void Take(SymbolInfo symbol)
            {
                if (!taken.Add(symbol.Id))
                {
                    return;
                }

                if (!held.Contains(symbol.Id))
                {
                    if (room <= 0)
                    {
                        if (!limitReported)
                        {
                            ReplyErrorLocked(request.Id, ErrorCode.LimitExceeded, $"at most {maxSymbols} symbols per connection; '{symbol.Name}' and later symbols not in the snapshot", symbol.Name);
                            limitReported = true;
                        }

                        return;
                    }

                    room--;
                }

                ids.Add(symbol.Id);
                accepted.Add(symbol);
            }

            if (all)
            {
                // "*": every symbol this identity may see; the others are simply not part of "all".
                foreach (SymbolInfo symbol in _runtime.Universe.Symbols)
                {
                    if (entitled.AllowsSymbol(symbol.Name))
                    {
                        Take(symbol);
                    }
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
                    else if (!entitled.AllowsSymbol(symbol.Name))
                    {
                        forbidden.Add(symbol.Name);
                    }
                    else
                    {
                        Take(symbol);
                    }
                }
            }

            ReplyUnknownSymbolsLocked(request.Id, ref unknown);
            ReplyForbiddenSymbolsLocked(request.Id, ref forbidden);

            var states = new MarketSnapshot[ids.Count];
            long global = _runtime.Engine.GlobalSequence;
            if (ids.Count > 0)
            {
                SubscribeOutcome outcome = _live.SubscribeBasket(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids), mode, throttle, states, out global);
                if (outcome != SubscribeOutcome.Subscribed)
                {
                    // Closed (the connection is going away) or over the engine's own limit: nothing subscribed.
                    ReplyErrorLocked(request.Id, ErrorCode.LimitExceeded, $"snapshot not taken ({outcome})", null);
                    accepted.Clear();
                    states = [];
                }
            }

            // Under the same lock as the subscriptions: the sender frames the ack and the basket before their updates.
            EnqueueLocked((request.Id, mode, throttle, accepted), static (ref w, s) => MessageEncoder.WriteSubscribeAck(ref w, s.Id, s.mode, s.throttle, s.accepted));
            EnqueueLocked((request.Id, global, _runtime.Engine.Epoch, states), static (ref w, s) => MessageEncoder.WriteBasket(ref w, s.Id, s.global, s.Epoch, s.states));
        }

        _signal.Set();
        CountRejected(unknown);
        CountRejected(forbidden);
    }
}
