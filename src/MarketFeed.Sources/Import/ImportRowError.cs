namespace MarketFeed.Sources.Import;

/// <summary>A row an importer rejected.</summary>
/// <param name="File">Input file (for a zip: the zip path and entry, "a.zip!b.csv").</param>
/// <param name="Line">1-based line number in that file.</param>
/// <param name="Reason">Why the row was rejected.</param>
public sealed record ImportRowError(string File, long Line, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}: {Reason}";
}
