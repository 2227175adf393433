using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.IntegrationTests;

/// <summary>Recording the live feed (Recording:Enabled) for tomorrow's replay.</summary>
public sealed class RecordingTests
{
    [Fact]
    public async Task LiveRecording_WritesEveryTickInSequence_ReplayableAsADataset()
    {
        string dir = Path.Combine(Path.GetTempPath(), "marketfeed-rec-" + Guid.NewGuid().ToString("N"));
        try
        {
            long ticksIn;
            await using (var server = await FeedServer.StartAsync("--rate", "20000", "--Recording:Enabled=true", "--Recording:Directory=" + dir, "--Recording:FlushIntervalMs=100"))
            {
                var engine = server.Get<Gateway.Hosting.FeedRuntime>().Engine;
                await EngineCondition.WhenAsync(engine, () => engine.TicksIn >= 5000, TimeSpan.FromSeconds(30));

                await server.StopAsync();
                ticksIn = engine.TicksIn;
            }

            string file = Assert.Single(Directory.GetFiles(dir, "*.mflog"));
            using var reader = TickLogReader.Open(file);
            var ticks = reader.ReadAllTicks();
            Assert.Empty(reader.Damage);
            Assert.Equal(ticksIn, ticks.Count);
            var last = new Dictionary<int, long>();
            foreach (Tick t in ticks)
            {
                Assert.Equal(last.GetValueOrDefault(t.SymbolId) + 1, t.Sequence);
                last[t.SymbolId] = t.Sequence;
            }

            Assert.Contains(reader.Symbols, s => s.Name == "AAPL");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
