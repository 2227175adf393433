using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// A tick published just before (or while) the sender goes back to sleep must still wake it:
/// nothing else (no heartbeat, no later tick) sets the signal in these tests.
/// </summary>
public sealed class WakeStressTests
{
    private static readonly TimeSpan RoundTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StarvedTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(DeliveryMode.Full)]
    [InlineData(DeliveryMode.Conflated)]
    public async Task PingPong_EveryPublishWakesTheSender_NoneIsMissed(DeliveryMode mode)
    {
        const int rounds = 20_000;
        var engine = new ConflationEngine(TestUniverse.Create(2), new EngineSettings(JournalCapacity: 1 << 12));
        var signal = new SenderSignal();
        using var subscriber = engine.CreateSubscriber(signal);
        subscriber.Subscribe(0, mode, snapshot: false);
        long delivered = 0;
        using var stop = new CancellationTokenSource();

        // The sender: sleep on the signal, drain everything, publish what it saw, sleep again.
        var sender = Task.Run(async () =>
        {
            var sink = new LastSequenceSink();
            while (!stop.IsCancellationRequested)
            {
                await signal.WaitAsync().ConfigureAwait(false);
                while (subscriber.Drain(ref sink, 0).HasMore)
                {
                }

                Volatile.Write(ref delivered, sink.Last);
            }
        });

        // The producer: one to three ticks (of the subscribed symbol, sometimes with another's
        // between), then wait until the sender has delivered them. A lost wake-up stalls a round.
        var random = new Random(3);
        long seq = 0;
        for (int round = 0; round < rounds; round++)
        {
            int n = 1 + random.Next(3);
            for (int k = 0; k < n; k++)
            {
                Tick tick = Tick.NewQuote(0, round, 1, 1, 2, 1);
                engine.Publish(ref tick);
                seq++;
                if (random.Next(4) == 0)
                {
                    Tick other = Tick.NewQuote(1, round, 1, 1, 2, 1);
                    engine.Publish(ref other);
                }
            }

            var started = DateTime.UtcNow;
            var spinner = default(SpinWait);
            while (Volatile.Read(ref delivered) < seq)
            {
                // Nothing else sets the signal here, so a sender parked on it while work is pending
                // was lost for good. A sender that was woken but has not run yet (a starved thread
                // pool on a loaded box) is not a lost wake-up: wait longer for it.
                if (DateTime.UtcNow - started > RoundTimeout)
                {
                    Assert.False(signal.IsParked && subscriber.HasPendingWork, $"round {round}: tick {seq} published, sender parked at {Volatile.Read(ref delivered)} (lost wake-up)");
                    Assert.True(DateTime.UtcNow - started < StarvedTimeout, $"round {round}: tick {seq} published, woken sender did not run within {StarvedTimeout}");
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        stop.Cancel();
        signal.Set();
        await sender.WaitAsync(RoundTimeout);
    }
}
