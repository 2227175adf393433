namespace MarketFeed.Sources.Import;

/// <summary>Progress of an import, reported every few tens of thousands of rows and at each file end.</summary>
/// <param name="File">File being read.</param>
/// <param name="FileIndex">0-based index of that file among the inputs.</param>
/// <param name="FileCount">Number of input files.</param>
/// <param name="BytesRead">Characters read so far from this file (about bytes for ASCII CSV).</param>
/// <param name="BytesTotal">Size of this file (uncompressed size for a zip entry); 0 if unknown.</param>
/// <param name="Rows">Rows read so far in all files.</param>
/// <param name="BadRows">Rows rejected so far.</param>
public readonly record struct ImportProgress(string File, int FileIndex, int FileCount, long BytesRead, long BytesTotal, long Rows, long BadRows)
{
    /// <summary>Fraction 0..1 of the current file, or of all files when sizes are known.</summary>
    public double FileFraction => BytesTotal > 0 ? Math.Min(1.0, (double)BytesRead / BytesTotal) : 0;

    /// <summary>Overall fraction 0..1 assuming files of similar size.</summary>
    public double OverallFraction => FileCount > 0 ? Math.Min(1.0, (FileIndex + FileFraction) / FileCount) : 0;
}
