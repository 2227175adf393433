using MarketFeed.Core;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Options;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.Replay;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Sources;

/// <summary>
/// With <c>Feed:Source=replay</c>: drives the live engine from a dataset at a set speed, looping
/// if configured, instead of the simulator. The live engine re-sequences the ticks so sequence
/// numbers keep increasing across loops.
/// </summary>
internal sealed class ReplaySourceService(FeedRuntime runtime, DatasetCatalog catalog, IOptions<ReplayOptions> options, ILogger<ReplaySourceService> logger, SourceStatus status) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (runtime.Options.Source != "replay")
        {
            return;
        }

        ReplayOptions settings = options.Value;
        if (!ReplaySpeed.TryParse(settings.Speed, out ReplaySpeed speed))
        {
            throw new InvalidOperationException("Replay:Speed was validated on start"); // ReplayOptions.Validate
        }

        try
        {
            await Task.Yield();
            status.Running();
            do
            {
                using ReplayCursor cursor = catalog.OpenCursor(settings.Dataset!);
                var pacer = new ReplayPacer(runtime.Time, speed);
                while (!stoppingToken.IsCancellationRequested && cursor.TryPeek(out Tick next))
                {
                    await pacer.WaitUntilDueAsync(next.Timestamp, stoppingToken).ConfigureAwait(false);
                    int burst = 0;
                    while (burst++ < 4096 && cursor.TryPeek(out next) && pacer.GetDelay(next.Timestamp) == TimeSpan.Zero)
                    {
                        cursor.TryGetNext(out Tick tick);
                        runtime.Engine.Publish(ref tick);
                    }
                }

                if (cursor.StoppedAtDamage)
                {
                    // The live feed ends here rather than skip ticks silently; a loop starts again from the beginning.
                    ServerLog.ReplaySourceDamaged(logger, settings.Dataset!, cursor.TicksRead, cursor.DamageMet[0].ToString());
                }
            }
            while (settings.Loop && !stoppingToken.IsCancellationRequested);
            if (stoppingToken.IsCancellationRequested)
            {
                status.Stopped();
            }
            else
            {
                status.Finished();
            }
        }
        catch (OperationCanceledException)
        {
            status.Stopped();
        }
        catch (Exception ex)
        {
            status.Failed(ex);
            ServerLog.SourceFailed(logger, ex);
        }
    }
}
