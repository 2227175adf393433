using System.Globalization;
using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Recording;

/// <summary>
/// The live recording as the engine's durable history (<see cref="ITickHistory"/>): reads the tick
/// logs of one epoch (header source <c>record epoch=N</c>) in a recording folder, newest block
/// first, including the file still being written (up to its last flushed block).
/// </summary>
/// <remarks>
/// Cost of one <see cref="TryReadAfter"/>: the blocks written since the symbol's tick after
/// <c>after</c> are read and decoded (all symbols' ticks), bounded by <see cref="MaxScanTicks"/>;
/// at most <see cref="MaxTicks"/> ticks of the symbol are returned. Beyond either it answers false
/// (not recovered). Thread-safe: every call opens its own readers.
/// </remarks>
public sealed class RecordedTickHistory : ITickHistory
{
    private readonly string _directory;
    private readonly string _filePrefix;
    private readonly string _source;
    private readonly IReadOnlyList<string> _symbolNames;

    /// <summary>Creates a history over <paramref name="directory"/>.</summary>
    /// <param name="directory">The recording folder.</param>
    /// <param name="filePrefix">File name prefix of the recording (<see cref="TickRecorderOptions.FilePrefix"/>).</param>
    /// <param name="epoch">Only files recorded in this epoch are read.</param>
    /// <param name="symbolNames">The engine's symbol names by id (files are matched by name).</param>
    /// <param name="maxTicks">Most ticks of one symbol one call returns.</param>
    /// <param name="maxScanTicks">Most ticks (all symbols) one call decodes.</param>
    public RecordedTickHistory(string directory, string filePrefix, long epoch, IReadOnlyList<string> symbolNames, int maxTicks, long maxScanTicks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTicks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxScanTicks);
        _directory = directory;
        _filePrefix = filePrefix;
        _source = SourceFor(epoch);
        _symbolNames = symbolNames;
        MaxTicks = maxTicks;
        MaxScanTicks = maxScanTicks;
    }

    /// <summary>Most ticks of one symbol a resume reads from disk.</summary>
    public int MaxTicks { get; }

    /// <summary>Most ticks (of all symbols) one resume decodes from disk.</summary>
    public long MaxScanTicks { get; }

    /// <summary>The header source text of a live recording in <paramref name="epoch"/>: <c>record epoch=N</c>.</summary>
    public static string SourceFor(long epoch) => "record epoch=" + epoch.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public bool TryReadAfter(int symbolId, long after, List<Tick> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if ((uint)symbolId >= (uint)_symbolNames.Count || after < 0)
        {
            return false;
        }

        try
        {
            return TryRead(symbolId, after, output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            output.Clear();
            return false; // unreadable: not recovered (the client gets a snapshot)
        }
    }

    private bool TryRead(int symbolId, long after, List<Tick> output)
    {
        string name = _symbolNames[symbolId];
        var newestFirst = new List<Tick>();
        long scanned = 0;
        var buffer = new Tick[4096];
        bool reached = false; // found the tick at or before after + 1
        bool newest = true;
        foreach ((_, string path) in FilesNewestFirst())
        {
            if (reached)
            {
                break;
            }

            using (TickLogReader reader = TickLogReader.Open(path))
            {
                bool isNewest = newest;
                newest = false;

                int fileId = IndexOf(reader.Symbols, name);
                if (fileId < 0)
                {
                    continue; // the symbol was not in the universe when this file was written
                }

                for (int b = reader.Blocks.Count - 1; b >= 0 && !reached; b--)
                {
                    if (!reader.TryReadBlock(b, ref buffer, out int count))
                    {
                        if (isNewest && b == reader.Blocks.Count - 1)
                        {
                            continue; // the tail being written as we read: the journal still holds it
                        }

                        return false; // damaged: cannot vouch for what it held
                    }

                    scanned += count;
                    if (scanned > MaxScanTicks)
                    {
                        return false;
                    }

                    for (int i = count - 1; i >= 0; i--)
                    {
                        ref readonly Tick t = ref buffer[i];
                        if (t.SymbolId != fileId)
                        {
                            continue;
                        }

                        if (t.Sequence <= after)
                        {
                            reached = true;
                            break;
                        }

                        if (newestFirst.Count == MaxTicks)
                        {
                            return false;
                        }

                        newestFirst.Add(t);
                        if (t.Sequence == after + 1)
                        {
                            reached = true;
                            break;
                        }
                    }
                }
            }
        }

        if (newestFirst.Count == 0)
        {
            return true; // nothing after `after` on disk: the journal has to continue from it
        }

        // Oldest first, each exactly one after the other, starting at after + 1.
        long expected = after + 1;
        int first = output.Count;
        for (int i = newestFirst.Count - 1; i >= 0; i--)
        {
            Tick t = newestFirst[i];
            if (t.Sequence != expected)
            {
                output.RemoveRange(first, output.Count - first); // a hole: nothing is vouched for
                return false;
            }

            expected++;
            t.SymbolId = symbolId;
            output.Add(t);
        }

        return true;
    }

    /// <summary>The epoch's files, newest first (by header creation time, then name).</summary>
    private List<(long Created, string Path)> FilesNewestFirst()
    {
        var files = new List<(long Created, string Path)>();
        if (!Directory.Exists(_directory))
        {
            return files;
        }

        foreach (string path in Directory.EnumerateFiles(_directory, _filePrefix + "*" + TickLogFormat.FileExtension))
        {
            try
            {
                using TickLogReader reader = TickLogReader.Open(path);
                if (reader.Source == _source)
                {
                    files.Add((reader.CreatedTimestamp, path));
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // Not a readable log (e.g. a header still being written): of no use here.
            }
        }

        files.Sort(static (a, b) =>
        {
            int c = b.Created.CompareTo(a.Created);
            return c != 0 ? c : string.CompareOrdinal(b.Path, a.Path);
        });
        return files;
    }

    private static int IndexOf(IReadOnlyList<TickLogSymbol> symbols, string name)
    {
        for (int i = 0; i < symbols.Count; i++)
        {
            if (string.Equals(symbols[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
