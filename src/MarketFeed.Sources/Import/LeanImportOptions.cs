namespace MarketFeed.Sources.Import;

/// <summary>Options of the Lean/AlgoSeek equity tick importer.</summary>
public sealed class LeanImportOptions : ImportOptions
{
    /// <summary>Skip rows with Suspicious=1 (default false: keep them, flagged <see cref="Core.TickFlags.Suspicious"/>).</summary>
    public bool SkipSuspicious { get; init; }

    /// <summary>Symbol name; default from the CSV entry name (<c>20131007_ibm_Trade_Tick.csv</c>) or the folder name.</summary>
    public string? Symbol { get; init; }

    /// <summary>Time zone of the "ms since midnight" times. Default America/New_York.</summary>
    public string TimeZone { get; init; } = "America/New_York";
}
