using MarketFeed.Core;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Datasets;

/// <summary>
/// The datasets of a data directory: every <c>*.mflog</c> file directly in it is a dataset named
/// after the file (without extension). Listing reads each file once (headers, block index, every
/// block's checksum, every block decoded to count flagged ticks) and caches the result per file size and modification time,
/// so <see cref="DatasetInfo.State"/> tells intact, unclosed and damaged datasets apart.
/// </summary>
/// <remarks>Thread-safe: may be used by many replay sessions at once.</remarks>
public sealed class DatasetCatalog
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Length, DateTime Modified, DatasetInfo Info)> _cache = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    /// <summary>Creates a catalog over <paramref name="directory"/> (it need not exist yet).</summary>
    public DatasetCatalog(string directory) => Directory = System.IO.Path.GetFullPath(directory);

    /// <summary>The data directory.</summary>
    public string Directory { get; }

    /// <summary>Files skipped by the last <see cref="List"/> because their header is unreadable, with the reason.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_gate)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>All readable datasets, ordered by name.</summary>
    public IReadOnlyList<DatasetInfo> List()
    {
        var result = new List<DatasetInfo>();
        lock (_gate)
        {
            _problems.Clear();
            if (!System.IO.Directory.Exists(Directory))
            {
                return result;
            }

            var files = System.IO.Directory.GetFiles(Directory, "*" + TickLogFormat.FileExtension);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
            {
                if (TryLoad(file, out var info))
                {
                    result.Add(info);
                }
            }
        }

        return result;
    }

    /// <summary>Finds a dataset by name (exact file name without extension; names with path characters are rejected).</summary>
    public bool TryGet(string name, out DatasetInfo info)
    {
        info = null!;
        if (!IsValidName(name))
        {
            return false;
        }

        string path = System.IO.Path.Combine(Directory, name + TickLogFormat.FileExtension);
        lock (_gate)
        {
            return File.Exists(path) && TryLoad(path, out info);
        }
    }

    /// <summary>Opens a replay cursor on a dataset. Throws <see cref="KeyNotFoundException"/> for an unknown dataset.</summary>
    public ReplayCursor OpenCursor(string name, IReadOnlyCollection<string>? symbols = null, long from = long.MinValue, long to = long.MaxValue) =>
        TryGet(name, out var info)
            ? ReplayCursor.Open(info.Path, symbols, from, to)
            : throw new KeyNotFoundException($"unknown dataset '{name}'");

    /// <summary>True if <paramref name="name"/> can name a dataset file (no path separators, no "..").</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name.IndexOfAny(['/', '\\', ':', '\0']) < 0 && name != "." && name != "..";

    private bool TryLoad(string file, out DatasetInfo info)
    {
        var fi = new FileInfo(file);
        if (_cache.TryGetValue(file, out var cached) && cached.Length == fi.Length && cached.Modified == fi.LastWriteTimeUtc)
        {
            info = cached.Info;
            return true;
        }

        try
        {
            using var reader = TickLogReader.Open(file);

            // Every block is read, checksummed and decoded once (cached per size and time): the readable
            // count and the flag counts are exact, and a block that decodes badly is damage here too.
            var buffer = new Tick[4096];
            long readable = 0;
            long suspicious = 0;
            long sizeUnknown = 0;
            for (int i = 0; i < reader.Blocks.Count; i++)
            {
                if (!reader.TryReadBlock(i, ref buffer, out int count))
                {
                    continue;
                }

                readable += count;
                for (int j = 0; j < count; j++)
                {
                    var flags = buffer[j].Flags;
                    if ((flags & TickFlags.Suspicious) != 0)
                    {
                        suspicious++;
                    }

                    if ((flags & TickFlags.SizeUnknown) != 0)
                    {
                        sizeUnknown++;
                    }
                }
            }

            info = new DatasetInfo(
                System.IO.Path.GetFileNameWithoutExtension(file),
                file,
                reader.Symbols,
                reader.FirstTimestamp,
                reader.LastTimestamp,
                reader.TickCount,
                reader.Blocks.Count,
                reader.HasFooterIndex,
                [.. reader.Damage],
                readable)
            {
                SuspiciousTicks = suspicious,
                SizeUnknownTicks = sizeUnknown,
            };
            _cache[file] = (fi.Length, fi.LastWriteTimeUtc, info);
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            _problems.Add($"{file}: {ex.Message}");
            info = null!;
            return false;
        }
    }
}
