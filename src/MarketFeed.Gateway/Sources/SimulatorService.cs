using MarketFeed.Core;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Sources.Simulation;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Sources;

/// <summary>
/// Drives the live engine from the built-in <see cref="MarketSimulator"/> on a dedicated thread —
/// that thread is the engine's single sequencer.
/// </summary>
internal sealed class SimulatorService(FeedRuntime runtime, IOptions<SimulatorOptions> options, ILogger<SimulatorService> logger, SourceStatus status) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (runtime.Options.Source != "simulator")
        {
            if (runtime.Options.Source == "none")
            {
                status.Running(); // ticks come from elsewhere (e.g. a scale-out subscriber)
            }

            return Task.CompletedTask;
        }

        SimulatorOptions settings = options.Value;
        ServerLog.SimulatorStarted(logger, settings.Seed, settings.TicksPerSecond);
        _thread = new Thread(() => Run(settings)) { IsBackground = true, Name = "MarketFeed simulator" };
        status.Running();
        _thread.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (status.IsRunning)
        {
            status.Stopped();
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _thread?.Join(TimeSpan.FromSeconds(5));
    }

    public void Dispose() => _stop.Dispose();

    private void Run(SimulatorOptions settings)
    {
        try
        {
            var simulator = new MarketSimulator(runtime.Universe, settings);
            var engine = runtime.Engine;
            TimeProvider time = runtime.Time;
            double rate = settings.TicksPerSecond;
            long start = time.GetTimestamp();
            long emitted = 0;
            Tick tick = default;
            CancellationToken stop = _stop.Token;
            while (!stop.IsCancellationRequested)
            {
                long target = rate == 0 ? emitted + 1024 : (long)(time.GetElapsedTime(start).TotalSeconds * rate);
                long batchEnd = Math.Min(target, emitted + 10_000);
                if (emitted < batchEnd)
                {
                    long now = UnixTime.NowNanos(time);
                    for (; emitted < batchEnd; emitted++)
                    {
                        simulator.Next(ref tick, now);
                        engine.Publish(ref tick);
                    }

                    continue;
                }

                // Ahead of schedule: sleep until the next tick is due, at least 1 ms. Spinning
                // (Thread.Yield) when the next tick was due in under 1 ms kept this thread on a core
                // at any rate above ~1000 ticks/s; ticks that come due during the sleep are emitted
                // together on wake-up and share one timestamp (one clock read per batch above, not
                // one per tick: docs/protocol.md section 3 says so).
                double dueInMs = (((emitted + 1) / rate) - time.GetElapsedTime(start).TotalSeconds) * 1000;
                stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Clamp(dueInMs, 1, 50)));
            }
        }
        catch (Exception ex)
        {
            status.Failed(ex);
            ServerLog.SourceFailed(logger, ex);
        }
    }
}
