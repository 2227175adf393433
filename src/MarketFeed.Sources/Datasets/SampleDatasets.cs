using MarketFeed.Sources.Import;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Datasets;

/// <summary>
/// Ships the sample datasets: every <c>NAME.csv</c> in a config folder (e.g. <c>config/datasets</c>) with its column
/// mapping <c>NAME.mapping.json</c> is imported into <c>dataDirectory/NAME.mflog</c>, so a fresh server has
/// something to replay.
/// </summary>
public static class SampleDatasets
{
    /// <summary>Suffix of a CSV's column mapping file (<c>NAME.mapping.json</c> beside <c>NAME.csv</c>).</summary>
    public const string MappingSuffix = ".mapping.json";

    /// <summary>The mapping file that belongs to <paramref name="csvPath"/>.</summary>
    public static string MappingPathFor(string csvPath) =>
        Path.Combine(Path.GetDirectoryName(csvPath) ?? string.Empty, Path.GetFileNameWithoutExtension(csvPath) + MappingSuffix);

    /// <summary>
    /// Imports every <c>*.csv</c> of <paramref name="configDatasetsDir"/> into <paramref name="dataDirectory"/><c>/NAME.mflog</c>
    /// when that log is missing or older than the CSV or its mapping; otherwise does nothing. The log is written to a
    /// temporary file and moved into place, so a concurrent catalog never sees a partial dataset. Bad rows abort.
    /// A missing <paramref name="configDatasetsDir"/> is not an error (nothing to do).
    /// </summary>
    /// <returns>The tick logs (re)written (empty when everything was up to date).</returns>
    /// <exception cref="ImportException">A CSV has no mapping file, the mapping is invalid, or a row is bad.</exception>
    public static IReadOnlyList<string> EnsureImported(string configDatasetsDir, string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(configDatasetsDir);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        var done = new List<string>();
        if (!Directory.Exists(configDatasetsDir))
        {
            return done;
        }

        string[] csvs = Directory.GetFiles(configDatasetsDir, "*.csv");
        Array.Sort(csvs, StringComparer.Ordinal);
        foreach (string csv in csvs)
        {
            string name = Path.GetFileNameWithoutExtension(csv);
            string mappingPath = MappingPathFor(csv);
            if (!File.Exists(mappingPath))
            {
                throw new ImportException($"{csv}: no column mapping {Path.GetFileName(mappingPath)} beside it");
            }

            string target = Path.Combine(dataDirectory, name + TickLogFormat.FileExtension);
            if (IsUpToDate(target, csv, mappingPath))
            {
                continue;
            }

            Directory.CreateDirectory(dataDirectory);
            string temp = target + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                Importer.ImportGenericCsv([csv], GenericCsvMapping.Load(mappingPath), temp, new ImportOptions { ErrorPolicy = ImportErrorPolicy.Abort });
                File.Move(temp, target, overwrite: true);

                // Never older than its sources, even if their times are in the future (clock skew, copied files).
                DateTime sources = Max(File.GetLastWriteTimeUtc(csv), File.GetLastWriteTimeUtc(mappingPath));
                if (File.GetLastWriteTimeUtc(target) < sources)
                {
                    File.SetLastWriteTimeUtc(target, sources);
                }
                done.Add(target);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        return done;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    private static bool IsUpToDate(string target, string csv, string mapping)
    {
        if (!File.Exists(target))
        {
            return false;
        }

        DateTime built = File.GetLastWriteTimeUtc(target);
        return built >= File.GetLastWriteTimeUtc(csv) && built >= File.GetLastWriteTimeUtc(mapping);
    }
}
