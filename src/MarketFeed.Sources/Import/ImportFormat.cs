namespace MarketFeed.Sources.Import;

/// <summary>Input formats known to <see cref="Importer.Import"/>.</summary>
public enum ImportFormat
{
    /// <summary>Lean/AlgoSeek equity tick zips (see <see cref="LeanAlgoSeekImporter"/>).</summary>
    Lean,

    /// <summary>Tardis.dev CSV (see <see cref="TardisCsvImporter"/>).</summary>
    Tardis,

    /// <summary>Any CSV with a <see cref="GenericCsvMapping"/> (see <see cref="GenericCsvImporter"/>).</summary>
    Csv,
}
