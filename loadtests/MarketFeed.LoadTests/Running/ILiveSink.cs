using MarketFeed.LoadTests.Measurements;

namespace MarketFeed.LoadTests.Running;

/// <summary>Receives each per-second sample while a run goes (live console or plain log lines).</summary>
public interface ILiveSink
{
    /// <summary>Called once per sample from the sampler loop.</summary>
    void Update(RunResult run, Sample sample, string phase);
}
