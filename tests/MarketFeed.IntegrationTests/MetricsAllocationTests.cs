using MarketFeed.Engine;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Testing;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace MarketFeed.IntegrationTests;

/// <summary>The per-frame metric updates (counters and both histograms) allocate nothing, with the OpenTelemetry SDK listening.</summary>
public sealed class MetricsAllocationTests
{
    [Fact]
    public void FrameSent_AndSendCompleted_AllocateNothing_WhileExported()
    {
        var engine = new ConflationEngine(TestUniverse.Create(4), new EngineSettings(JournalCapacity: 1 << 10));
        using var metrics = new FeedMetrics(engine, () => 0, () => 0);
        using MeterProvider provider = Sdk.CreateMeterProviderBuilder().AddMeter(FeedMetrics.MeterName).AddPrometheusExporter().Build();

        // Rounds 0 and 1 warm up (first measurements create the metric points, JIT tiers); round 2 is measured.
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10_000; i++)
            {
                metrics.FrameSent(1 + (i & 7), 100 + (i & 1023) * 16);
                metrics.SendCompleted(TimeSpan.FromTicks(1 + (i & 4095)));
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (round == 2)
            {
                Assert.Equal(0, allocated);
            }
        }

        Assert.Equal(30_000 * 4.5, metrics.UpdatesOut);
    }
}
