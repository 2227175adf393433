using MarketFeed.Core;

namespace MarketFeed.Sources.TickLog;

/// <summary>Reads a whole tick log and summarises it (the CLI's <c>inspect</c> command).</summary>
public static class TickLogInspector
{
    /// <summary>Reads every block (verifying checksums) and returns per-symbol totals and all damage.</summary>
    public static TickLogSummary Inspect(string path)
    {
        using var reader = TickLogReader.Open(path);
        int n = reader.Symbols.Count;
        long[] ticks = new long[n], quotes = new long[n], trades = new long[n], volume = new long[n];
        long[] first = new long[n], last = new long[n], firstSeq = new long[n], lastSeq = new long[n], gaps = new long[n], prevSeq = new long[n];
        long total = 0;
        long minTs = long.MaxValue;
        long maxTs = long.MinValue;
        int corrupt = 0;
        var buffer = new Tick[4096];
        long[] suspicious = new long[n];
        long[] sizeUnknown = new long[n];
        for (int b = 0; b < reader.Blocks.Count; b++)
        {
            if (!reader.TryReadBlock(b, ref buffer, out int count))
            {
                corrupt++;
                continue;
            }

            for (int i = 0; i < count; i++)
            {
                ref readonly Tick t = ref buffer[i];
                int s = t.SymbolId;
                if (ticks[s] == 0)
                {
                    first[s] = t.Timestamp;
                    firstSeq[s] = t.Sequence;
                }
                else if (t.Sequence != prevSeq[s] + 1)
                {
                    gaps[s]++;
                }

                ticks[s]++;
                last[s] = t.Timestamp;
                prevSeq[s] = t.Sequence;
                firstSeq[s] = Math.Min(firstSeq[s], t.Sequence);
                lastSeq[s] = Math.Max(lastSeq[s], t.Sequence);
                if ((t.Flags & TickFlags.Suspicious) != 0)
                {
                    suspicious[s]++;
                }

                if ((t.Flags & TickFlags.SizeUnknown) != 0)
                {
                    sizeUnknown[s]++;
                }

                if (t.Kind == TickKind.Trade)
                {
                    trades[s]++;
                    volume[s] += t.Size;
                }
                else
                {
                    quotes[s]++;
                }

                minTs = Math.Min(minTs, t.Timestamp);
                maxTs = Math.Max(maxTs, t.Timestamp);
                total++;
            }
        }

        var symbols = new TickLogSymbolSummary[n];
        for (int s = 0; s < n; s++)
        {
            symbols[s] = new TickLogSymbolSummary(reader.Symbols[s], ticks[s], quotes[s], trades[s], volume[s], first[s], last[s], firstSeq[s], lastSeq[s], gaps[s], suspicious[s], sizeUnknown[s]);
        }

        return new TickLogSummary
        {
            Path = path,
            FileLength = reader.FileLength,
            Source = reader.Source,
            HasFooterIndex = reader.HasFooterIndex,
            Blocks = reader.Blocks.Count,
            CorruptBlocks = corrupt,
            Ticks = total,
            FirstTimestamp = total > 0 ? minTs : 0,
            LastTimestamp = total > 0 ? maxTs : 0,
            Symbols = symbols,
            Damage = [.. reader.Damage],
        };
    }
}
