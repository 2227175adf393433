using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// Basket snapshots taken while a writer thread publishes flat out: each basket equals the source
/// state at its global sequence, and what follows is exactly the later ticks (full) or only newer
/// values (conflated).
/// </summary>
public sealed class BasketSnapshotTests
{
    private const int Symbols = 2_000; // reading thousands of states takes long enough for the writer to move meanwhile
    private const int MaxTicks = 400_000;

    [Theory]
    [InlineData(DeliveryMode.Full)]
    [InlineData(DeliveryMode.Conflated)]
    public async Task Basket_UnderConcurrentPublishing_IsTheSourceStateAtItsGlobalSequence(DeliveryMode mode)
    {
        var engine = new ConflationEngine(TestUniverse.Create(Symbols), new EngineSettings(MaxSymbolsPerSubscriber: Symbols, JournalCapacity: 1 << 19));
        var history = new Tick[MaxTicks + 1]; // by global sequence
        using var stop = new CancellationTokenSource();
        long published = 0;
        long allowance = 5_000; // the writer runs ahead of the basket taker by at most a few thousand ticks
        var writer = Task.Factory.StartNew(
            () =>
            {
                var random = new Random(11);
                for (int n = 1; n <= MaxTicks && !stop.IsCancellationRequested; n++)
                {
                    var wait = default(SpinWait);
                    while (n > Volatile.Read(ref allowance) && !stop.IsCancellationRequested)
                    {
                        wait.SpinOnce();
                    }

                    int id = random.Next(Symbols);
                    Tick tick = random.Next(3) == 0
                        ? Tick.NewTrade(id, n, 10_000 + random.Next(100), 1 + random.Next(500), TradeSide.Buy)
                        : Tick.NewQuote(id, n, 9_990 + random.Next(10), 1 + random.Next(900), 10_001 + random.Next(10), 1 + random.Next(900));
                    engine.Publish(ref tick);
                    history[engine.GlobalSequence] = tick;
                    Volatile.Write(ref published, n);
                }
            },
            TaskCreationOptions.LongRunning);

        var baskets = new List<(Subscriber Subscriber, int[] Ids, MarketSnapshot[] States, long Global)>();
        var random = new Random(5);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (baskets.Count < 60 && DateTime.UtcNow < deadline && Volatile.Read(ref published) < MaxTicks * 3 / 4)
        {
            // Some ticks between baskets; some baskets hold every symbol.
            long before = Volatile.Read(ref published);
            Volatile.Write(ref allowance, before + 5_000);
            var spin = default(SpinWait);
            while (Volatile.Read(ref published) < before + 200 && !writer.IsCompleted && DateTime.UtcNow < deadline)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            int[] ids = random.Next(3) == 0
                ? Enumerable.Range(0, Symbols).ToArray()
                : Enumerable.Range(0, Symbols).OrderBy(_ => random.Next()).Take(1 + random.Next(500)).ToArray();
            var subscriber = engine.CreateSubscriber(new SenderSignal());
            var states = new MarketSnapshot[ids.Length];
            Assert.Equal(SubscribeOutcome.Subscribed, subscriber.SubscribeBasket(ids, mode, 0, states, out long global));
            baskets.Add((subscriber, ids, states, global));
        }

        stop.Cancel();
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
        long total = engine.GlobalSequence;
        Assert.True(baskets.Count >= 20, $"only {baskets.Count} baskets taken");
        Assert.True(baskets.Select(b => b.Global).Distinct().Count() > baskets.Count / 2, "the baskets were not taken while the feed moved");

        foreach (var (subscriber, ids, states, global) in baskets)
        {
            // The source's state of every symbol after exactly `global` ticks.
            var expected = new MarketSnapshot[Symbols];
            for (int i = 0; i < Symbols; i++)
            {
                expected[i].SymbolId = i;
            }

            for (long g = 1; g <= global; g++)
            {
                expected[history[g].SymbolId].Apply(history[g]);
            }

            for (int i = 0; i < ids.Length; i++)
            {
                Assert.Equal(expected[ids[i]].Sequence, states[i].Sequence);
                EngineTestKit.AssertSameState(expected[ids[i]], states[i]);
            }

            // What follows: full mode = exactly the later ticks of the basket, in order; conflated = only newer values.
            var sink = new RecordingSink();
            while (subscriber.Drain(ref sink, 0).HasMore)
            {
            }

            Assert.Empty(sink.FirstSnapshot);
            var held = new HashSet<int>(ids);
            if (mode == DeliveryMode.Full)
            {
                var later = new List<Tick>();
                for (long g = global + 1; g <= total; g++)
                {
                    if (held.Contains(history[g].SymbolId))
                    {
                        later.Add(history[g]);
                    }
                }

                Assert.Equal(later.Select(t => (t.SymbolId, t.Sequence)), sink.Received.Select(r => (r.Tick.SymbolId, r.Tick.Sequence)));
            }
            else
            {
                for (int i = 0; i < ids.Length; i++)
                {
                    foreach (long seq in sink.Sequences.GetValueOrDefault(ids[i]) ?? [])
                    {
                        Assert.True(seq > states[i].Sequence, $"symbol {ids[i]}: update seq {seq} not later than the basket's {states[i].Sequence}");
                    }
                }
            }

            subscriber.Dispose();
        }
    }

    [Fact]
    public void Basket_WithAnUnknownSymbolOrOverTheLimit_SubscribesNothing()
    {
        var engine = new ConflationEngine(TestUniverse.Create(4), new EngineSettings(MaxSymbolsPerSubscriber: 2));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        var states = new MarketSnapshot[3];
        Assert.Equal(SubscribeOutcome.UnknownSymbol, subscriber.SubscribeBasket([0, 9], DeliveryMode.Full, 0, states, out _));
        Assert.Equal(SubscribeOutcome.LimitExceeded, subscriber.SubscribeBasket([0, 1, 2], DeliveryMode.Full, 0, states, out _));
        Assert.Equal(0, subscriber.SymbolCount);
        Assert.Equal(0, engine.SubscriptionCount(0));
    }
}
