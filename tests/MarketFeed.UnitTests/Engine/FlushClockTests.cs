using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.UnitTests.Engine;

/// <summary>
/// Feed:WriteDelayMs: market data wakes a sender on the flush clock's next tick (so several publishes
/// share one frame); replies and closes (<see cref="SenderSignal.Set"/>) wake it at once.
/// </summary>
public sealed class FlushClockTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StarvedTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SetDeferred_WhileWaiting_WakesOnlyOnTheNextTick()
    {
        var time = new FakeTimeProvider();
        using var clock = new FlushClock(Period, time);
        var signal = new SenderSignal(clock);

        ValueTask wait = signal.WaitAsync();
        signal.SetDeferred();
        signal.SetDeferred(); // a second publish in the same period adds nothing
        Assert.False(wait.IsCompleted);
        Assert.Equal(1, clock.PendingCount);

        time.Advance(Period - TimeSpan.FromMilliseconds(1));
        Assert.False(wait.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.AsTask().WaitAsync(Timeout);
        Assert.Equal(0, clock.PendingCount);
    }

    [Fact]
    public async Task Set_WakesADeferredWaiterAtOnce_AndTheLaterTickLeavesTheNextWaitAlone()
    {
        var time = new FakeTimeProvider();
        using var clock = new FlushClock(Period, time);
        var signal = new SenderSignal(clock);

        ValueTask first = signal.WaitAsync();
        signal.SetDeferred();
        signal.Set(); // a reply: not delayed by the pending market data
        await first.AsTask().WaitAsync(Timeout);

        ValueTask second = signal.WaitAsync();
        time.Advance(Period); // the clock still holds the first wake-up: it must not complete the second wait
        Assert.False(second.IsCompleted);

        signal.SetDeferred();
        time.Advance(Period);
        await second.AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public void SetDeferred_WhileNotWaiting_IsRemembered_AndTheNextWaitCompletesAtOnce()
    {
        var time = new FakeTimeProvider();
        using var clock = new FlushClock(Period, time);
        var signal = new SenderSignal(clock);

        signal.SetDeferred();
        Assert.Equal(0, clock.PendingCount); // nobody waits: nothing to defer, the sender finds the data when it looks
        ValueTask first = signal.WaitAsync();
        Assert.True(first.IsCompleted);
        ValueTask second = signal.WaitAsync();
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public void WithoutAClock_SetDeferred_WakesAtOnce()
    {
        var signal = new SenderSignal();
        ValueTask wait = signal.WaitAsync();
        signal.SetDeferred();
        Assert.True(wait.IsCompleted);
    }

    [Theory]
    [InlineData(DeliveryMode.Full)]
    [InlineData(DeliveryMode.Conflated)]
    public async Task PingPong_WithDeferredWakes_EveryPublishIsDeliveredByATick_NoneIsLost(DeliveryMode mode)
    {
        // A real clock ticking as fast as it can on another thread, publishes racing with it and,
        // every few rounds, an immediate Set (a reply) racing with both. A lost wake-up stalls a round.
        const int rounds = 5_000;
        using var clock = new FlushClock(TimeSpan.FromDays(1), TimeProvider.System); // ticked by hand below
        var engine = new ConflationEngine(TestUniverse.Create(2), new EngineSettings(JournalCapacity: 1 << 12));
        var signal = new SenderSignal(clock);
        using var subscriber = engine.CreateSubscriber(signal, deferDataWakes: true);
        subscriber.Subscribe(0, mode, snapshot: false);
        long delivered = 0;
        using var stop = new CancellationTokenSource();

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
        // Its own thread (not the pool's): the clock must keep ticking however starved the pool is.
        var ticker = Task.Factory.StartNew(
            () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    clock.Tick();
                    Thread.SpinWait(50);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var random = new Random(5);
        long seq = 0;
        for (int round = 0; round < rounds; round++)
        {
            Tick tick = Tick.NewQuote(0, round, 1, 1, 2, 1);
            engine.Publish(ref tick);
            seq++;
            if (random.Next(8) == 0)
            {
                signal.Set();
            }

            var started = DateTime.UtcNow;
            var spinner = default(SpinWait);
            while (Volatile.Read(ref delivered) < seq)
            {
                // Still parked (waiting or deferred) with work pending while the clock keeps ticking:
                // the wake-up was lost. Woken but not yet run (a starved thread pool): wait longer.
                if (DateTime.UtcNow - started > Timeout)
                {
                    Assert.False(signal.IsParked && subscriber.HasPendingWork, $"round {round}: tick {seq} published, sender parked at {Volatile.Read(ref delivered)} (lost deferred wake-up)");
                    Assert.True(DateTime.UtcNow - started < StarvedTimeout, $"round {round}: tick {seq} published, woken sender did not run within {StarvedTimeout}");
                }

                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        stop.Cancel();
        signal.Set();
        await Task.WhenAll(sender, ticker).WaitAsync(Timeout);
    }
}
