using MarketFeed.LoadTests.Measurements;
using MarketFeed.LoadTests.Running;

namespace MarketFeed.LoadTests.Console;

/// <summary>Live output for CI and redirected output: one line every few seconds.</summary>
public sealed class PlainLiveSink(TextWriter output, int everySeconds = 5) : ILiveSink
{
    private int _count;

    /// <inheritdoc />
    public void Update(RunResult run, Sample sample, string phase)
    {
        if (++_count % everySeconds != 0)
        {
            return;
        }

        output.WriteLine(
            $"  {run.Label} t={sample.T,5:0}s {phase,-9} conn={sample.Connections,6} upd/s={sample.UpdatesPerSecond,12:N0} " +
            $"p50={sample.P50Ms,7:0.00}ms p99={sample.P99Ms,7:0.00}ms srvMem={sample.ServerMemoryMb,6:0}MB srvCpu={sample.ServerCpuPercent,4:0}% genCpu={sample.ClientCpuPercent,4:0}% err={sample.Errors} gaps={sample.Gaps}");
    }
}
