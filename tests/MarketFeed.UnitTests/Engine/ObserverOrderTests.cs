using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// Observers see a tick before its state and journal entry are published, so anything they derive
/// from it (the live bar store) is in place when a subscriber is handed the tick.
/// </summary>
public sealed class ObserverOrderTests
{
    [Fact]
    public void Observer_RunsBeforeTheTicksStateAndJournalEntryArePublished()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        var observer = new StateProbe(engine);
        engine.AddObserver(observer);
        for (int i = 0; i < 10; i++)
        {
            Tick tick = i % 2 == 0 ? Tick.NewTrade(i % 2, i, 100 + i, 1, TradeSide.Buy) : Tick.NewQuote(i % 2, i, 99, 1, 101, 1);
            engine.Publish(ref tick);
        }

        Assert.Equal(10, observer.Seen);
        Assert.Empty(observer.Violations);
    }

    [Fact]
    public void PublishedObserver_RunsAfterTheTicksStateJournalEntryAndCountArePublished()
    {
        var engine = new ConflationEngine(TestUniverse.Create(2));
        var observer = new PublishedProbe(engine);
        engine.AddPublishedObserver(observer);
        for (int i = 0; i < 10; i++)
        {
            Tick tick = i % 2 == 0 ? Tick.NewTrade(i % 2, i, 100 + i, 1, TradeSide.Buy) : Tick.NewQuote(i % 2, i, 99, 1, 101, 1);
            engine.Publish(ref tick);
        }

        engine.RemoveObserver(observer);
        Tick after = Tick.NewTrade(0, 10, 100, 1, TradeSide.Buy);
        engine.Publish(ref after);

        Assert.Equal(10, observer.Seen);
        Assert.Empty(observer.Violations);
    }

    private sealed class PublishedProbe(ConflationEngine engine) : ITickObserver
    {
        public int Seen { get; private set; }

        public List<string> Violations { get; } = [];

        public void OnTick(in Tick tick)
        {
            Seen++;
            engine.States.Read(tick.SymbolId, out MarketSnapshot state);
            if (state.Sequence != tick.Sequence || engine.GlobalSequence != Seen || engine.TicksIn != Seen)
            {
                Violations.Add($"tick {Seen}: state seq {state.Sequence} (tick {tick.Sequence}), journal {engine.GlobalSequence}, ticks in {engine.TicksIn}");
            }
        }
    }

    private sealed class StateProbe(ConflationEngine engine) : ITickObserver
    {
        public int Seen { get; private set; }

        public List<string> Violations { get; } = [];

        public void OnTick(in Tick tick)
        {
            Seen++;
            engine.States.Read(tick.SymbolId, out MarketSnapshot state);
            if (state.Sequence >= tick.Sequence)
            {
                Violations.Add($"state of {tick.SymbolId} already at seq {state.Sequence} when observing seq {tick.Sequence}");
            }

            if (engine.GlobalSequence >= Seen)
            {
                Violations.Add($"journal already holds {engine.GlobalSequence} ticks when observing tick {Seen}");
            }
        }
    }
}
