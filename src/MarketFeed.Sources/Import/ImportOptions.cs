namespace MarketFeed.Sources.Import;

/// <summary>Options common to every importer.</summary>
public class ImportOptions
{
    /// <summary>Skip bad rows (default) or abort on the first one.</summary>
    public ImportErrorPolicy ErrorPolicy { get; init; } = ImportErrorPolicy.Skip;

    /// <summary>How many bad rows are listed in detail in the result (all are counted). Default 100.</summary>
    public int MaxErrorDetails { get; init; } = 100;

    /// <summary>Receives progress (e.g. a CLI progress bar); may be null.</summary>
    public IProgress<ImportProgress>? Progress { get; init; }

    /// <summary>Rows between progress reports. Default 65536.</summary>
    public int ProgressEveryRows { get; init; } = 65536;

    /// <summary>Ticks per block of the output tick log. Default 4096.</summary>
    public int BlockTicks { get; init; } = 4096;

    /// <summary>Replace an existing output file. Default true.</summary>
    public bool Overwrite { get; init; } = true;
}
