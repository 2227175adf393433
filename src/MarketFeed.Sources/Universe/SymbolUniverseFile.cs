using MarketFeed.Core;

namespace MarketFeed.Sources.Universe;

/// <summary>
/// Reads a symbol universe from a CSV file. The parsing lives in Core
/// (<see cref="SymbolUniverse.Parse"/>, from any <see cref="TextReader"/>); the file access lives
/// here, with the other sources, so Core does no I/O.
/// </summary>
public static class SymbolUniverseFile
{
    /// <summary>Loads a universe CSV file (format: <see cref="SymbolUniverse.Parse"/>); errors name the file and line.</summary>
    public static SymbolUniverse Load(string path)
    {
        using var reader = new StreamReader(path);
        return SymbolUniverse.Parse(reader, path);
    }
}
