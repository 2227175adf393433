namespace MarketFeed.Sources.Import;

/// <summary>An import stopped on a bad row (policy <see cref="ImportErrorPolicy.Abort"/>) or a bad file.</summary>
public sealed class ImportException : Exception
{
    /// <summary>Creates the exception for a row error.</summary>
    public ImportException(ImportRowError error)
        : base(error.ToString())
    {
        Error = error;
    }

    /// <summary>Creates the exception for a file-level error.</summary>
    public ImportException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>The offending row, if the failure is about one row.</summary>
    public ImportRowError? Error { get; }

    /// <summary>File of the offending row.</summary>
    public string? File => Error?.File;

    /// <summary>Line of the offending row (0 if not about a row).</summary>
    public long Line => Error?.Line ?? 0;
}
