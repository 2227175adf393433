namespace MarketFeed.Sources.Import;

/// <summary>An import stopped on a bad row (policy <see cref="ImportErrorPolicy.Abort"/>), a bad file, or was refused as a whole; nothing was written.</summary>
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

    /// <summary>Creates the exception for an import refused as a whole (too many bad rows, duplicate
    /// inputs, a better dataset in the way); <paramref name="result"/> carries the counts.</summary>
    public ImportException(string message, ImportResult result)
        : base(message)
    {
        Result = result;
    }

    /// <summary>The counts of a refused import (nothing was written), if the import got that far.</summary>
    public ImportResult? Result { get; }

    /// <summary>The offending row, if the failure is about one row.</summary>
    public ImportRowError? Error { get; }

    /// <summary>File of the offending row.</summary>
    public string? File => Error?.File;

    /// <summary>Line of the offending row (0 if not about a row).</summary>
    public long Line => Error?.Line ?? 0;
}
