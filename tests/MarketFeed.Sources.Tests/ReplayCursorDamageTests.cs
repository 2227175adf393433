using MarketFeed.Core;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.Sources.Tests;

/// <summary>A cursor never ends as if complete over damage it met (issue #10).</summary>
public sealed class ReplayCursorDamageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TornTail_FullRange_StopsAtDamage_AfterEveryCompleteBlock()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("torn.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long end = SyntheticTicks.StripFooter(path);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(end - 50); // inside the last block
        }

        using var cursor = ReplayCursor.Open(path);
        var got = Drain(cursor);
        Assert.Equal(ticks.Take(900), got);
        Assert.True(cursor.StoppedAtDamage);
        Assert.Equal(TickLogDamageKind.TruncatedBlock, Assert.Single(cursor.DamageMet).Kind);
    }

    [Fact]
    public void TornTail_WindowEndingBefore_CompletesWithoutDamage()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("torn2.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long end = SyntheticTicks.StripFooter(path);
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            fs.SetLength(end - 50);
        }

        using var cursor = ReplayCursor.Open(path, null, ticks[0].Timestamp, ticks[500].Timestamp);
        Assert.Equal(501, Drain(cursor).Count);
        Assert.False(cursor.StoppedAtDamage);
        Assert.Empty(cursor.DamageMet);
    }

    [Fact]
    public void CorruptMiddleBlock_StopsThere_OrIsSkippedWhenAsked()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("corrupt.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        long offset;
        using (var reader = TickLogReader.Open(path))
        {
            offset = reader.Blocks[5].Offset + TickLogFormat.BlockHeaderSize + 10;
        }

        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = offset;
            int b = fs.ReadByte();
            fs.Position = offset;
            fs.WriteByte((byte)(b ^ 0x40));
        }

        using (var cursor = ReplayCursor.Open(path))
        {
            Assert.Equal(ticks.Take(500), Drain(cursor));
            Assert.True(cursor.StoppedAtDamage);
            Assert.Equal(TickLogDamageKind.ChecksumMismatch, Assert.Single(cursor.DamageMet).Kind);
        }

        using (var skipping = ReplayCursor.Open(path))
        {
            skipping.SkipDamage = true;
            Assert.Equal(ticks.Take(500).Concat(ticks.Skip(600)), Drain(skipping));
            Assert.False(skipping.StoppedAtDamage);
            Assert.Single(skipping.DamageMet);
        }
    }

    [Fact]
    public void CleanCrashTail_NoFooter_IsNotDamage()
    {
        var ticks = SyntheticTicks.Make(1000);
        string path = _dir.File("crash.mflog");
        SyntheticTicks.Write(path, ticks, blockTicks: 100);
        SyntheticTicks.StripFooter(path);
        using var cursor = ReplayCursor.Open(path);
        Assert.Equal(ticks, Drain(cursor));
        Assert.False(cursor.StoppedAtDamage);
    }

    private static List<Tick> Drain(ReplayCursor cursor)
    {
        var list = new List<Tick>();
        for (int i = 0; i < 1_000_000 && cursor.TryGetNext(out Tick t); i++)
        {
            list.Add(t);
        }

        return list;
    }
}
