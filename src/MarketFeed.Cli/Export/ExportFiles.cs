namespace MarketFeed.Cli.Export;

/// <summary>File helpers of <c>marketfeed export</c>.</summary>
internal static class ExportFiles
{
    /// <summary>
    /// A temporary path in the folder of <paramref name="path"/> (created if missing), so the final move is a rename on
    /// one file system.
    /// </summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, "." + Path.GetFileName(full) + "." + Environment.ProcessId + ".tmp");
    }
}
