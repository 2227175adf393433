using System.IO.Hashing;

namespace MarketFeed.Sources.Import;

/// <summary>Refuses an input list that names the same data twice (same path or same bytes).</summary>
internal static class ImportInputCheck
{
    /// <summary>
    /// Throws <see cref="ImportException"/> if two inputs are the same file or have the same
    /// content: merging them would double every tick. Only files of equal length are hashed.
    /// </summary>
    public static void EnsureDistinct(IReadOnlyList<string> paths)
    {
        var byPath = new Dictionary<string, string>(StringComparer.Ordinal);
        var byLength = new Dictionary<long, List<string>>();
        foreach (string path in paths)
        {
            string full = Path.GetFullPath(path);
            if (byPath.TryGetValue(full, out string? first))
            {
                throw Duplicate(first, path, "the same file");
            }

            byPath.Add(full, path);
            if (!File.Exists(full))
            {
                continue; // the importer reports a missing file with its own message
            }

            long length = new FileInfo(full).Length;
            if (!byLength.TryGetValue(length, out var same))
            {
                byLength.Add(length, same = []);
            }

            same.Add(path);
        }

        foreach (var group in byLength.Values)
        {
            if (group.Count < 2)
            {
                continue;
            }

            var hashes = new Dictionary<UInt128, string>();
            foreach (string path in group)
            {
                UInt128 hash = Hash(path);
                if (hashes.TryGetValue(hash, out string? first))
                {
                    throw Duplicate(first, path, "the same content as");
                }

                hashes.Add(hash, path);
            }
        }
    }

    private static UInt128 Hash(string path)
    {
        var hash = new XxHash128();
        using var stream = File.OpenRead(path);
        hash.Append(stream);
        return hash.GetCurrentHashAsUInt128();
    }

    private static ImportException Duplicate(string first, string second, string how) =>
        new($"input {second} is {how}{(how == "the same file" ? " as" : string.Empty)} {first}: importing both would count every row twice. " +
            "Give each file once; to merge the same data twice on purpose, set AllowDuplicateInputs (CLI: --allow-duplicate-inputs).");
}
