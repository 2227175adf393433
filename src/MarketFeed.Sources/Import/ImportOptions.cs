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

    /// <summary>Replace an existing output file. Default true. The new file is written aside and renamed over the old one.</summary>
    public bool Overwrite { get; init; } = true;

    /// <summary>
    /// Largest share of bad rows (of the data rows read) the import accepts; above it nothing is
    /// written and <see cref="ImportException"/> (with <see cref="ImportException.Result"/>) is thrown.
    /// Default 0.001 (0.1 %). 1 accepts any share; an import that yields no tick is always refused.
    /// </summary>
    public double MaxBadRowFraction { get; init; } = 0.001;

    /// <summary>Share of quotes with bid above ask above which the result carries a warning (swapped columns?). Default 0.01.</summary>
    public double MaxCrossedQuoteFraction { get; init; } = 0.01;

    /// <summary>Accept the same input twice (same path or same content), merging it twice on purpose. Default false.</summary>
    public bool AllowDuplicateInputs { get; init; }

    /// <summary>Replace an existing dataset even if it holds more ticks than the new one. Default false.</summary>
    public bool Force { get; init; }
}
