namespace MarketFeed.Cli.Export;

/// <summary>
/// Column names and file metadata keys of <c>marketfeed export</c> (documented in docs/python.md "Export schema").
/// Changing one is a breaking change for every notebook that reads the files: bump <see cref="Version"/>.
/// </summary>
internal static class ExportSchema
{
    /// <summary>Schema version, written to the Parquet metadata key <see cref="VersionKey"/>.</summary>
    public const string Version = "1";

    /// <summary>Parquet key-value metadata: the schema version.</summary>
    public const string VersionKey = "marketfeed.export.version";

    /// <summary>Parquet key-value metadata: JSON array of <c>{"symbol", "priceDecimals", "sizeDecimals"}</c>.</summary>
    public const string SymbolsKey = "marketfeed.symbols";

    /// <summary>Parquet key-value metadata: the input tick log's source text and the slice exported.</summary>
    public const string SourceKey = "marketfeed.source";

    /// <summary>Parquet key-value metadata: number of rows written.</summary>
    public const string RowsKey = "marketfeed.rows";

    /// <summary>The CSV header (decimal text in each symbol's scale; kind Q/T; side B/S/empty).</summary>
    public const string CsvHeader = "time,ts_ns,symbol,kind,seq,bid,bid_size,ask,ask_size,price,size,side,cum_volume,trade_count,flags,recv_ns";

    /// <summary>Quote kind text.</summary>
    public const string QuoteKind = "Q";

    /// <summary>Trade kind text.</summary>
    public const string TradeKind = "T";
}
