using MarketFeed.Core;
using MarketFeed.Sources.Recording;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

/// <summary>The recording as resume history: only its own epoch, contiguous runs only, newest file first, bounded.</summary>
public sealed class RecordedTickHistoryTests : IDisposable
{
    private const long Epoch = 42;
    private static readonly TickLogSymbol[] Symbols = [new("AAA", 2, 0), new("BBB", 2, 0)];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes a log of alternating AAA/BBB quotes with the given per-symbol seqs of AAA.</summary>
    private void Write(string name, long epoch, IEnumerable<long> aaaSeqs, long created, int blockTicks = 3)
    {
        using var writer = TickLogWriter.Create(_dir.File(name), Symbols, new TickLogWriterOptions { BlockTicks = blockTicks, Source = RecordedTickHistory.SourceFor(epoch), CreatedTimestamp = created });
        long ts = created;
        long bbb = 0;
        foreach (long seq in aaaSeqs)
        {
            var a = Tick.NewQuote(0, ts++, 100, 1, 101, 1);
            a.Sequence = seq;
            writer.Append(a);
            var b = Tick.NewQuote(1, ts++, 200, 1, 201, 1);
            b.Sequence = ++bbb;
            writer.Append(b);
        }
    }

    private RecordedTickHistory History(int maxTicks = 1000, long maxScan = 1_000_000) => new(_dir.Path, "live-", Epoch, ["BBB", "AAA"], maxTicks, maxScan);

    [Fact]
    public void ReadsTheRunAfterASeq_AcrossFilesOfItsEpoch_MappingIdsByName()
    {
        Write("live-20261207.mflog", Epoch, Enumerable.Range(1, 10).Select(i => (long)i), created: 1_000);
        Write("live-20261207-1.mflog", Epoch, Enumerable.Range(11, 10).Select(i => (long)i), created: 2_000);
        Write("live-20261206.mflog", Epoch + 1, Enumerable.Range(1, 50).Select(i => (long)i), created: 3_000); // another epoch

        var ticks = new List<Tick>();
        Assert.True(History().TryReadAfter(1, 7, ticks)); // "AAA" is id 1 in the engine, 0 in the files
        Assert.Equal(Enumerable.Range(8, 13).Select(i => (long)i), ticks.Select(t => t.Sequence));
        Assert.All(ticks, t => Assert.Equal(1, t.SymbolId));

        ticks.Clear();
        Assert.True(History().TryReadAfter(1, 20, ticks)); // holds nothing after the newest: the journal continues
        Assert.Empty(ticks);
    }

    [Fact]
    public void AHoleInTheRun_OrALimit_IsNotRecovered()
    {
        Write("live-20261207.mflog", Epoch, [1, 2, 3, 5, 6, 7], created: 1_000);
        var ticks = new List<Tick>();
        Assert.False(History().TryReadAfter(1, 1, ticks)); // 4 is missing
        Assert.Empty(ticks);
        Assert.True(History().TryReadAfter(1, 4, ticks));
        Assert.Equal([5L, 6, 7], ticks.Select(t => t.Sequence));

        ticks.Clear();
        Assert.False(History(maxTicks: 2).TryReadAfter(1, 4, ticks));
        Assert.False(History(maxScan: 3).TryReadAfter(1, 4, ticks));
    }

    [Fact]
    public void TooFarBack_IsNotRecovered()
    {
        Write("live-20261207.mflog", Epoch, Enumerable.Range(100, 10).Select(i => (long)i), created: 1_000);
        var ticks = new List<Tick>();
        Assert.False(History().TryReadAfter(1, 50, ticks)); // the log starts at 100: 51..99 are not there
        Assert.Empty(ticks);
    }
}
