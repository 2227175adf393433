namespace MarketFeed.Sources.Import;

/// <summary>
/// Merges per-file tick runs into one stream ordered by timestamp; ties keep file order (an earlier
/// input file first) and, within a file, row order. Deterministic.
/// </summary>
public static class ImportMerger
{
    /// <summary>Merges <paramref name="runs"/> (each in file row order) into one stable time-ordered buffer (the run itself when there is only one).</summary>
    public static TickBuffer Merge(IReadOnlyList<TickBuffer> runs)
    {
        int total = 0;
        foreach (var r in runs)
        {
            SortStable(r);
            total += r.Count;
        }

        if (runs.Count == 1)
        {
            return runs[0];
        }

        var output = new TickBuffer(total);
        int[] pos = new int[runs.Count];
        while (true)
        {
            int best = -1;
            long bestTs = long.MaxValue;
            for (int k = 0; k < runs.Count; k++)
            {
                // Strict '<' keeps the earlier run first on ties.
                if (pos[k] < runs[k].Count && (best < 0 || runs[k][pos[k]].Timestamp < bestTs))
                {
                    best = k;
                    bestTs = runs[k][pos[k]].Timestamp;
                }
            }

            if (best < 0)
            {
                break;
            }

            // Copy the whole stretch of the best run that stays at or before every other head.
            long limit = long.MaxValue;
            for (int k = 0; k < runs.Count; k++)
            {
                if (k != best && pos[k] < runs[k].Count)
                {
                    long head = runs[k][pos[k]].Timestamp;

                    // Runs after 'best' lose ties, runs before it win them.
                    limit = Math.Min(limit, k < best ? head - 1 : head);
                }
            }

            var run = runs[best];
            int i = pos[best];
            do
            {
                output.Add(run[i]);
                i++;
            }
            while (i < run.Count && run[i].Timestamp <= limit);
            pos[best] = i;
        }

        return output;
    }

    /// <summary>Sorts a run by timestamp, keeping row order among equal timestamps; no-op if already ordered.</summary>
    public static void SortStable(TickBuffer run)
    {
        var span = run.Span;
        bool sorted = true;
        for (int i = 1; i < span.Length; i++)
        {
            if (span[i].Timestamp < span[i - 1].Timestamp)
            {
                sorted = false;
                break;
            }
        }

        if (sorted)
        {
            return;
        }

        long[] keys = new long[span.Length];
        int[] order = new int[span.Length];
        for (int i = 0; i < span.Length; i++)
        {
            keys[i] = span[i].Timestamp;
            order[i] = i;
        }

        Array.Sort(keys, order);

        // Array.Sort is not stable: restore row order inside each run of equal keys.
        int start = 0;
        for (int i = 1; i <= keys.Length; i++)
        {
            if (i == keys.Length || keys[i] != keys[start])
            {
                if (i - start > 1)
                {
                    Array.Sort(order, start, i - start);
                }

                start = i;
            }
        }

        var copy = span.ToArray();
        for (int i = 0; i < order.Length; i++)
        {
            span[i] = copy[order[i]];
        }
    }
}
