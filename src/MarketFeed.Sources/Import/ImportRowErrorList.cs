namespace MarketFeed.Sources.Import;

/// <summary>Counts rejected rows, keeps the first few in detail and applies the error policy.</summary>
internal sealed class ImportRowErrorList
{
    private readonly ImportOptions _options;
    private readonly List<ImportRowError> _details = [];

    public ImportRowErrorList(ImportOptions options) => _options = options;

    public long Count { get; private set; }

    public IReadOnlyList<ImportRowError> Details => _details;

    /// <summary>Records a bad row; throws <see cref="ImportException"/> under <see cref="ImportErrorPolicy.Abort"/>.</summary>
    public void Add(string file, long line, string reason)
    {
        Count++;
        var error = new ImportRowError(file, line, reason);
        if (_options.ErrorPolicy == ImportErrorPolicy.Abort)
        {
            throw new ImportException(error);
        }

        if (_details.Count < _options.MaxErrorDetails)
        {
            _details.Add(error);
        }
    }
}
