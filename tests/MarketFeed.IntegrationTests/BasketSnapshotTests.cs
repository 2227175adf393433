using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The <c>snapshot</c> op under load: each basket is the source's state at the global sequence it
/// names (checked against a full-mode log of the same run, and the global sequence of every tick
/// taken from the engine), and every update after it is later.
/// </summary>
public sealed class BasketSnapshotTests
{
    private static CancellationToken Timeout(int seconds = 90) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Theory]
    [InlineData(DeliveryMode.Full)]
    [InlineData(DeliveryMode.Conflated)]
    public async Task Basket_UnderLoad_IsTheSourceStateAtItsGlobalSequence_ThenOnlyLaterUpdates(DeliveryMode mode)
    {
        await using var server = await FeedServer.StartAsync("--rate", "50000", "--Feed:SlowConsumerTimeoutMs=30000");
        var ct = Timeout();
        FeedRuntime runtime = server.Get<FeedRuntime>();
        string[] basket = [.. runtime.Universe.Symbols.Take(12).Select(s => s.Name)];

        // Global sequence of every tick of the basket's symbols from here on, straight from the engine's writer.
        var logged = new bool[runtime.Universe.Count];
        foreach (string name in basket)
        {
            logged[runtime.Universe.TryGet(name, out SymbolInfo s) ? s.Id : throw new InvalidOperationException(name)] = true;
        }

        var globals = new GlobalSequenceLog(runtime.Engine, logged, 400_000);
        runtime.Engine.AddObserver(globals);

        // The full-mode log of the same run: a snapshot per symbol, then every tick of the basket's symbols.
        await using var log = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await log.ReceiveUntilAsync(_ => true, ct); // welcome
        await log.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, basket), ct);
        var logStart = new Dictionary<int, MarketSnapshot>();
        await log.ReceiveUntilAsync(m => m is SnapshotMessage s && Add(logStart, s.State) == basket.Length, ct);
        using var stopLog = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var fullLog = new FullModeLog();
        Task logReader = fullLog.ReadAsync(log, stopLog.Token);

        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await client.ReceiveUntilAsync(_ => true, ct);
        // Every update on this connection, before or after a basket: later than the last basket or
        // update of its symbol (full mode: exactly the next seq). Symbols of an earlier "*" stay subscribed.
        var last = new Dictionary<int, long>();
        int updates = 0;
        bool Track(ServerMessage m)
        {
            Assert.IsNotType<SnapshotMessage>(m);
            if (m is QuoteMessage or TradeMessage)
            {
                (int id, long seq) = m is QuoteMessage q ? (q.SymbolId, q.Sequence) : (((TradeMessage)m).SymbolId, ((TradeMessage)m).Sequence);
                if (mode == DeliveryMode.Full)
                {
                    Assert.Equal(last[id] + 1, seq);
                }
                else
                {
                    Assert.True(seq > last[id], $"symbol {id}: update {seq} not later than {last[id]}");
                }

                last[id] = seq;
                updates++;
            }

            return false;
        }

        for (int round = 1; round <= 6; round++)
        {
            // Round 3 asks for every symbol ("*"); the others for the basket.
            string[] asked = round == 3 ? ["*"] : basket;
            await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Snapshot, Id = 100 + round, Symbols = asked, Mode = mode }, ct);
            var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => Track(m) || m is SubscribeAckMessage, ct));
            Assert.Equal(100 + round, ack.RequestId);
            Assert.Equal(round == 3 ? runtime.Universe.Count : basket.Length, ack.Symbols.Count);
            var reply = Assert.IsType<BasketMessage>(await client.ReceiveUntilAsync(m => Track(m) || m is BasketMessage, ct));
            Assert.Equal(100 + round, reply.RequestId);
            Assert.Equal(runtime.Engine.Epoch, reply.Epoch);
            Assert.Equal(ack.Symbols.Select(s => s.SymbolId), reply.States.Select(s => s.SymbolId));
            long g = reply.GlobalSequence;
            Assert.True(g > 0);

            // The full-mode log must hold every tick up to g of the basket's symbols before we compare.
            foreach (MarketSnapshot state in reply.States)
            {
                last[state.SymbolId] = state.Sequence;
            }

            var basketIds = new HashSet<int>(basket.Select(n => runtime.Universe.TryGet(n, out SymbolInfo s) ? s.Id : -1));
            Dictionary<int, List<Tick>> logTicks = await fullLog.WaitAsync(ticks => basketIds.All(id => LastSeq(logStart, ticks, id) > last[id]), ct);

            foreach (MarketSnapshot state in reply.States.Where(s => basketIds.Contains(s.SymbolId)))
            {
                int id = state.SymbolId;

                // The log's state of the symbol after every tick with a global sequence up to g.
                MarketSnapshot expected = logStart[id];
                foreach (Tick tick in logTicks.GetValueOrDefault(id) ?? [])
                {
                    long tickGlobal = globals.Find(id, tick.Sequence);
                    Assert.True(tickGlobal > 0, $"tick {id}/{tick.Sequence} missing from the engine's log");
                    if (tickGlobal <= g)
                    {
                        expected.Apply(tick);
                    }
                }

                Assert.Equal(expected.Sequence, state.Sequence);
                Assert.Equal(expected.QuoteSequence, state.QuoteSequence);
                Assert.Equal((expected.BidPrice, expected.BidSize, expected.AskPrice, expected.AskSize), (state.BidPrice, state.BidSize, state.AskPrice, state.AskSize));
                Assert.Equal(expected.TradeSequence, state.TradeSequence);
                Assert.Equal((expected.LastPrice, expected.LastSize, expected.CumulativeVolume, expected.TradeCount), (state.LastPrice, state.LastSize, state.CumulativeVolume, state.TradeCount));
            }

            // Then live updates, every one later than the basket (full mode: exactly the next seq).
            int target = updates + 2_000;
            await client.ReceiveUntilAsync(m => Track(m) || updates >= target, ct);
            if (round == 3)
            {
                // Back to the basket: the whole feed in full mode is more than this loaded test box reads while it compares.
                string[] others = [.. runtime.Universe.Symbols.Select(s => s.Name).Except(basket)];
                await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Unsubscribe, Id = 200, Symbols = others }, ct);
                await client.ReceiveUntilAsync(m => Track(m) || m is UnsubscribeAckMessage, ct);
            }
        }

        Assert.True(globals.Count < globals.Capacity, "the engine's log overflowed");
        await stopLog.CancelAsync();
        await logReader;
    }

    [Fact]
    public async Task DotNetClient_SnapshotAsync_ReturnsTheBasket_ReportsUnknownSymbols_ThenLiveUpdates()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var client = new MarketFeedClient(new MarketFeedClientOptions { Uri = server.WebSocketUri, OverflowPolicy = MessageOverflowPolicy.Wait });
        await client.ConnectAsync(cts.Token);
        BasketMessage basket = await client.SnapshotAsync(["AAPL", "NOPE1", "msft", "NOPE2"], DeliveryMode.Full, cancellationToken: cts.Token);
        Assert.Equal(2, basket.States.Count);
        Assert.True(basket.GlobalSequence > 0);
        var last = basket.States.ToDictionary(s => s.SymbolId, s => s.Sequence);

        bool sawError = false;
        int updates = 0;
        await foreach (ServerMessage m in client.ReadAllAsync(cts.Token))
        {
            switch (m)
            {
                case ErrorMessage e:
                    Assert.Equal(404, e.Code);
                    Assert.Equal(["NOPE1", "NOPE2"], e.Symbols);
                    sawError = true;
                    break;
                case SequenceGapMessage gap:
                    Assert.Fail($"gap: {gap}");
                    break;
                case QuoteMessage or TradeMessage:
                    (int id, long seq) = m is QuoteMessage q ? (q.SymbolId, q.Sequence) : (((TradeMessage)m).SymbolId, ((TradeMessage)m).Sequence);
                    Assert.Equal(last[id] + 1, seq);
                    last[id] = seq;
                    updates++;
                    break;
            }

            if (updates >= 500)
            {
                break;
            }
        }

        Assert.True(sawError, "the unknown symbols were not reported");

        // Every symbol unknown: the request fails like a subscribe would.
        var ex = await Assert.ThrowsAsync<MarketFeedRequestException>(() => client.SnapshotAsync(["NOPE3"], cancellationToken: cts.Token));
        Assert.Equal(404, ex.Error.Code);
    }

    [Fact]
    public async Task Snapshot_ForbiddenSymbolsAndFullMode_AreRefusedAsForSubscribe()
    {
        await using var server = await FeedServer.StartAsync(
            "--rate", "1000",
            "--Auth:Enabled=true",
            "--Auth:ApiKeys:0:Name=viewer",
            "--Auth:ApiKeys:0:Sha256=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("k-basket-0123456789"u8)),
            "--Auth:ApiKeys:0:Profile=basic",
            "--Auth:Profiles:basic:Symbols:0=AAPL",
            "--Auth:Profiles:basic:FullMode=false");
        var ct = Timeout(30);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("X-Api-Key", "k-basket-0123456789"));
        await client.ReceiveUntilAsync(_ => true, ct);
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Snapshot, Id = 1, Symbols = ["AAPL", "MSFT", "IBM"] }, ct);
        var seen = new List<ServerMessage>();
        var reply = Assert.IsType<BasketMessage>(await client.ReceiveUntilAsync(m => m is BasketMessage, ct, seen));
        var error = Assert.Single(seen.OfType<ErrorMessage>());
        Assert.Equal(403, error.Code);
        Assert.Equal(["MSFT", "IBM"], error.Symbols);
        Assert.Equal(1, error.RequestId);
        Assert.Equal("AAPL", Assert.Single(Assert.Single(seen.OfType<SubscribeAckMessage>()).Symbols).Symbol);
        Assert.Single(reply.States);

        // "*" means every symbol this key may see: no error, just AAPL.
        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Snapshot, Id = 2, Symbols = ["*"] }, ct);
        seen.Clear();
        reply = Assert.IsType<BasketMessage>(await client.ReceiveUntilAsync(m => m is BasketMessage, ct, seen));
        Assert.Empty(seen.OfType<ErrorMessage>());
        Assert.Single(reply.States);

        await client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Snapshot, Id = 3, Symbols = ["AAPL"], Mode = DeliveryMode.Full }, ct);
        var refused = Assert.IsType<ErrorMessage>(await client.ReceiveUntilAsync(m => m is ErrorMessage, ct));
        Assert.Equal((403L, 3L), (refused.Code, refused.RequestId));
    }

    private static int Add(Dictionary<int, MarketSnapshot> states, MarketSnapshot state)
    {
        states[state.SymbolId] = state;
        return states.Count;
    }

    private static long LastSeq(Dictionary<int, MarketSnapshot> start, Dictionary<int, List<Tick>> ticks, int id) =>
        ticks.TryGetValue(id, out var list) && list.Count > 0 ? list[^1].Sequence : start[id].Sequence;

    /// <summary>A full-mode connection read continuously (it must keep up): its ticks per symbol, gap-checked.</summary>
    private sealed class FullModeLog : IDisposable
    {
        private readonly Dictionary<int, List<Tick>> _ticks = [];
        private readonly SemaphoreSlim _progress = new(0);

        private Exception? _fault;

        public void Dispose() => _progress.Dispose();

        public async Task ReadAsync(RawFeedClient log, CancellationToken ct)
        {
            try
            {
                await ReadFramesAsync(log, ct);
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                _fault = ex;
                _progress.Release();
            }
        }

        private async Task ReadFramesAsync(RawFeedClient log, CancellationToken ct)
        {
            while (true)
            {
                List<ServerMessage> frame = await log.ReceiveFrameAsync(ct) ?? throw new InvalidOperationException("the full-mode log closed");
                lock (_ticks)
                {
                    foreach (ServerMessage m in frame)
                    {
                        Tick? tick = m switch
                        {
                            QuoteMessage q => new Tick { Kind = TickKind.Quote, SymbolId = q.SymbolId, Sequence = q.Sequence, Timestamp = q.Timestamp, BidPrice = q.BidPrice, BidSize = q.BidSize, AskPrice = q.AskPrice, AskSize = q.AskSize },
                            TradeMessage t => new Tick { Kind = TickKind.Trade, SymbolId = t.SymbolId, Sequence = t.Sequence, Timestamp = t.Timestamp, Price = t.Price, Size = t.Size, Side = t.Side, CumulativeVolume = t.CumulativeVolume, TradeCount = t.TradeCount },
                            _ => null,
                        };
                        if (tick is not { } value)
                        {
                            continue;
                        }

                        if (!_ticks.TryGetValue(value.SymbolId, out var list))
                        {
                            _ticks[value.SymbolId] = list = [];
                        }

                        if (list.Count > 0 && list[^1].Sequence + 1 != value.Sequence)
                        {
                            throw new InvalidOperationException("the full-mode log has a gap");
                        }

                        list.Add(value);
                    }
                }

                _progress.Release();
            }
        }

        /// <summary>Waits until <paramref name="done"/> holds for the ticks logged so far; returns a copy of them.</summary>
        public async Task<Dictionary<int, List<Tick>>> WaitAsync(Func<Dictionary<int, List<Tick>>, bool> done, CancellationToken ct)
        {
            while (true)
            {
                lock (_ticks)
                {
                    if (_fault is not null)
                    {
                        throw new InvalidOperationException("the full-mode log failed", _fault);
                    }

                    if (done(_ticks))
                    {
                        return _ticks.ToDictionary(p => p.Key, p => p.Value.ToList());
                    }
                }

                await _progress.WaitAsync(ct);
            }
        }
    }

    /// <summary>The global sequence of every tick of the logged symbols (an observer runs on the writer, after the append).</summary>
    private sealed class GlobalSequenceLog(Engine.ConflationEngine engine, bool[] logged, int capacity) : ITickObserver
    {
        private readonly int[] _symbol = new int[capacity];
        private readonly long[] _sequence = new long[capacity];
        private readonly long[] _global = new long[capacity];
        private readonly Dictionary<(int, long), long> _index = [];
        private int _count;
        private int _indexed;

        public int Capacity => capacity;

        public int Count => Volatile.Read(ref _count);

        public void OnTick(in Tick tick)
        {
            int n = _count;
            if (n == capacity || !logged[tick.SymbolId])
            {
                return;
            }

            _symbol[n] = tick.SymbolId;
            _sequence[n] = tick.Sequence;
            _global[n] = engine.GlobalSequence;
            Volatile.Write(ref _count, n + 1);
        }

        /// <summary>Global sequence of a symbol's tick, or 0 if not logged (reader thread only).</summary>
        public long Find(int symbolId, long sequence)
        {
            for (int n = Count; _indexed < n; _indexed++)
            {
                _index[(_symbol[_indexed], _sequence[_indexed])] = _global[_indexed];
            }

            return _index.GetValueOrDefault((symbolId, sequence));
        }
    }
}
