namespace MarketFeed.Sources.Import;

/// <summary>What an importer does with a row it cannot parse.</summary>
public enum ImportErrorPolicy
{
    /// <summary>Skip the row, count it and list it (file and line) in the <see cref="ImportResult"/>.</summary>
    Skip,

    /// <summary>Stop the import with an <see cref="ImportException"/> naming the file and line.</summary>
    Abort,
}
