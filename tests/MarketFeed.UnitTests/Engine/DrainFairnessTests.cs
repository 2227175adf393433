using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// The drain does not favour low symbol slots, nor conflated work over the full-mode stream; and
/// "nothing pending" is never reported while a drain holds work it will put back.
/// </summary>
public sealed class DrainFairnessTests
{
    [Fact]
    public void MoreDirtySymbolsThanOneFrame_EverySymbolIsServedInTurn()
    {
        const int symbols = 300;
        const int room = 50;
        var engine = new ConflationEngine(TestUniverse.Create(symbols));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        for (int id = 0; id < symbols; id++)
        {
            subscriber.Subscribe(id, DeliveryMode.Conflated, snapshot: false);
        }

        // Every symbol changes before every frame; a frame carries 50 of the 300.
        var sink = new RecordingSink { RoomPerDrain = room };
        var served = new int[symbols];
        for (int round = 0; round < 2 * symbols / room; round++)
        {
            for (int id = 0; id < symbols; id++)
            {
                Tick tick = Tick.NewQuote(id, round, 100 + round, 1, 101 + round, 1);
                engine.Publish(ref tick);
            }

            sink.NextDrain();
            int before = sink.Received.Count;
            Assert.True(subscriber.Drain(ref sink, 0).HasMore);
            Assert.Equal(room, sink.Received.Count - before);
            for (int i = before; i < sink.Received.Count; i++)
            {
                served[sink.Received[i].Tick.SymbolId]++;
            }

            // After every frame the symbols served differ by at most one turn.
            Assert.True(served.Max() - served.Min() <= 1, $"round {round}: served {served.Min()}..{served.Max()} times (symbol {Array.IndexOf(served, served.Min())} least)");
        }

        Assert.All(served, n => Assert.Equal(2, n));
    }

    [Fact]
    public void FullModeStreamBesideManyBusyConflatedSymbols_IsNotDroppedWhileTheSocketKeepsUp()
    {
        const int conflated = 400;
        const int fullPerRound = 10;
        const int room = 60; // per frame: the full-mode stream (10) fits with room to spare
        var engine = new ConflationEngine(TestUniverse.Create(conflated + 1), new EngineSettings(JournalCapacity: 2048));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        Assert.Equal(SubscribeOutcome.Subscribed, subscriber.Subscribe(0, DeliveryMode.Full, snapshot: false));
        for (int id = 1; id <= conflated; id++)
        {
            subscriber.Subscribe(id, DeliveryMode.Conflated, snapshot: false);
        }

        var sink = new RecordingSink { RoomPerDrain = room };
        var servedConflated = new HashSet<int>();
        for (int round = 0; round < 200; round++)
        {
            // Every conflated symbol is dirty before every frame (more than a frame's worth) ...
            for (int id = 1; id <= conflated; id++)
            {
                Tick tick = Tick.NewQuote(id, round, 100, 1, 101, 1);
                engine.Publish(ref tick);
            }

            // ... beside a full-mode stream the frame has room for.
            for (int k = 0; k < fullPerRound; k++)
            {
                Tick tick = Tick.NewTrade(0, round, 100, 1, TradeSide.Buy);
                engine.Publish(ref tick);
            }

            sink.NextDrain();
            DrainResult result = subscriber.Drain(ref sink, 0);
            Assert.False(result.Overflowed, $"round {round}: the full-mode reader was lapped (lag {subscriber.JournalLag} of {subscriber.JournalCapacity})");
        }

        // Once the source is quiet, everything arrives: the full stream gap-free, every conflated symbol.
        for (int i = 0; i < 1000 && subscriber.HasPendingWork; i++)
        {
            sink.NextDrain();
            subscriber.Drain(ref sink, 0);
        }

        Assert.False(subscriber.IsOverflowed);
        Assert.Equal(Enumerable.Range(1, 200 * fullPerRound).Select(i => (long)i), sink.Sequences[0]);
        foreach (var (_, tick, _) in sink.Received)
        {
            servedConflated.Add(tick.SymbolId);
        }

        Assert.Equal(conflated + 1, servedConflated.Count);
    }

    [Fact]
    public void HasPendingWork_AskedWhileADrainHoldsWorkItPutsBack_IsTrue()
    {
        const int symbols = 60; // one bitmap word: the drain takes all of it, sends 20 and puts 40 back
        var engine = new ConflationEngine(TestUniverse.Create(symbols));
        using var subscriber = engine.CreateSubscriber(new SenderSignal());
        for (int id = 0; id < symbols; id++)
        {
            subscriber.Subscribe(id, DeliveryMode.Conflated, snapshot: false);
            Tick tick = Tick.NewQuote(id, 1, 100, 1, 101, 1);
            engine.Publish(ref tick);
        }

        // Asked from another thread while the drain is at work (bits taken, frame filling): the
        // question must not be answered from that moment's bitmap (the replay's end would overtake its data).
        bool? answer = null;
        var asker = new Thread(() => answer = subscriber.HasPendingWork) { IsBackground = true };
        var sink = new AskingSink(room: 20, onFirst: () =>
        {
            asker.Start();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            var spin = default(SpinWait);
            while (asker.IsAlive && (asker.ThreadState & ThreadState.WaitSleepJoin) == 0 && DateTime.UtcNow < deadline)
            {
                spin.SpinOnce(sleep1Threshold: -1); // until the asker waits for the drain (it cannot finish before)
            }
        });
        Assert.True(subscriber.Drain(ref sink, 0).HasMore);
        Assert.True(asker.Join(TimeSpan.FromSeconds(10)));
        Assert.True(answer, "nothing pending reported while 40 dirty symbols wait");
    }

    private sealed class AskingSink(int room, Action onFirst) : IUpdateSink
    {
        private int _count;

        public bool HasRoom => _count < room;

        public void OnSnapshot(in MarketSnapshot snapshot) => _count++;

        public void OnTick(in Tick tick)
        {
            if (_count++ == 0)
            {
                onFirst();
            }
        }
    }
}
