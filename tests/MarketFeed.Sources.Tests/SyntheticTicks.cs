using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Tests;

/// <summary>Deterministic synthetic ticks for format tests.</summary>
public static class SyntheticTicks
{
    public static readonly TickLogSymbol[] Symbols =
    [
        new("AAA", 4, 0),
        new("BBB", 2, 3),
        new("CCC", 8, 8),
    ];

    public const long Start = 1_700_000_000_000_000_000;

    /// <summary>Sequenced ticks, 1 ms apart, cycling symbols; every 3rd tick a trade.</summary>
    public static Tick[] Make(int count, long start = Start, long stepNanos = 1_000_000)
    {
        var ticks = new Tick[count];
        long[] seq = new long[Symbols.Length];
        long[] vol = new long[Symbols.Length];
        long[] trades = new long[Symbols.Length];
        for (int i = 0; i < count; i++)
        {
            int s = i % Symbols.Length;
            long ts = start + (i * stepNanos);
            Tick t;
            if (i % 3 == 2)
            {
                t = Tick.NewTrade(s, ts, 1000 + i, 1 + (i % 7), (TradeSide)(i % 3));
                vol[s] += t.Size;
                t.CumulativeVolume = vol[s];
                t.TradeCount = ++trades[s];
            }
            else
            {
                t = Tick.NewQuote(s, ts, 990 + i, 10 + i, 1010 + i, 20 + i);
            }

            t.Sequence = ++seq[s];
            t.ReceiveTimestamp = i % 5 == 0 ? 0 : ts + 1234;
            t.Flags = i % 11 == 0 ? TickFlags.Suspicious : TickFlags.None;
            ticks[i] = t;
        }

        return ticks;
    }

    public static void Write(string path, ReadOnlySpan<Tick> ticks, int blockTicks = 100)
    {
        using var writer = TickLogWriter.Create(path, Symbols, new TickLogWriterOptions { BlockTicks = blockTicks, Source = "test" });
        writer.Append(ticks);
    }

    /// <summary>Cuts the footer index off, leaving the bytes a crash after the last block write leaves.</summary>
    public static long StripFooter(string path)
    {
        long end;
        using (var reader = TickLogReader.Open(path))
        {
            Assert.True(reader.HasFooterIndex);
            end = reader.Blocks[^1].End;
        }

        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
        fs.SetLength(end);
        return end;
    }
}
