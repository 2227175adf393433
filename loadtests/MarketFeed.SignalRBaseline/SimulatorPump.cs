using MarketFeed.Core;
using MarketFeed.Sources.Simulation;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace MarketFeed.SignalRBaseline;

/// <summary>
/// Drives the same <see cref="MarketSimulator"/> as MarketFeed (same universe, seed and pacing) and
/// sends each tick to its symbol's group with <c>IHubContext.Clients.Group(..).SendAsync</c>, as the
/// SignalR docs show. Like MarketFeed's simulator it runs on a dedicated thread (so it never starves
/// the thread pool that serves connections) and waits for a send only when it did not complete
/// synchronously (a connection's pipe over its pause threshold). Sequence numbers and cumulative
/// volume are assigned here, like MarketFeed's sequencer does.
/// </summary>
public sealed class SimulatorPump(BaselineFeed feed, IHubContext<FeedHub> hub, IOptions<SimulatorOptions> options, ILogger<SimulatorPump> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var thread = new Thread(() => Run(stoppingToken)) { IsBackground = true, Name = "SignalR baseline simulator" };
        thread.Start();
        return Task.CompletedTask;
    }

    private static void Wait(Task send)
    {
        if (!send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
        }
    }

    private void Run(CancellationToken stoppingToken)
    {
        SimulatorOptions settings = options.Value;
        var universe = feed.Universe;
        var simulator = new MarketSimulator(universe, settings);
        var groups = new IClientProxy[universe.Count];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = hub.Clients.Group(universe[i].Name);
        }

        var seq = new long[universe.Count];
        var cumVolume = new long[universe.Count];
        var tradeCount = new long[universe.Count];
        double rate = settings.TicksPerSecond;
        long start = TimeProvider.System.GetTimestamp();
        long emitted = 0;
        Tick tick = default;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                long target = rate == 0 ? emitted + 1024 : (long)(TimeProvider.System.GetElapsedTime(start).TotalSeconds * rate);
                long batchEnd = Math.Min(target, emitted + 10_000);
                if (emitted < batchEnd)
                {
                    long now = UnixTime.NowNanos(TimeProvider.System);
                    for (; emitted < batchEnd; emitted++)
                    {
                        simulator.Next(ref tick, now);
                        int id = tick.SymbolId;
                        long s = ++seq[id];
                        if (tick.Kind == TickKind.Quote)
                        {
                            Wait(groups[id].SendAsync("q", new QuoteUpdate
                            {
                                SymbolId = id, Sequence = s, Timestamp = tick.Timestamp,
                                BidPrice = tick.BidPrice, BidSize = tick.BidSize, AskPrice = tick.AskPrice, AskSize = tick.AskSize,
                            }, stoppingToken));
                        }
                        else
                        {
                            cumVolume[id] += tick.Size;
                            tradeCount[id]++;
                            Wait(groups[id].SendAsync("t", new TradeUpdate
                            {
                                SymbolId = id, Sequence = s, Timestamp = tick.Timestamp, Price = tick.Price, Size = tick.Size,
                                Side = (int)tick.Side, CumulativeVolume = cumVolume[id], TradeCount = tradeCount[id],
                            }, stoppingToken));
                        }

                        feed.TickSent();
                    }

                    continue;
                }

                double dueInMs = (((emitted + 1) / rate) - TimeProvider.System.GetElapsedTime(start).TotalSeconds) * 1000;
                // Same pacing as MarketFeed's SimulatorService: sleep at least 1 ms, never spin.
                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Clamp(dueInMs, 1, 50)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
#pragma warning disable CA1848 // one error line when the baseline's pump dies; not a hot path
            logger.LogError(ex, "simulator pump failed");
#pragma warning restore CA1848
        }
    }
}
