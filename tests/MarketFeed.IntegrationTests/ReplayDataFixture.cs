using MarketFeed.Sources.Import;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>Imports the shared real IBM (Lean/AlgoSeek) and BTCUSDT (Tardis) files once into a temporary data directory.</summary>
public sealed class ReplayDataFixture : IDisposable
{
    public ReplayDataFixture()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "marketfeed-replay-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        Importer.ImportLean([IbmTrades, IbmQuotes], Path.Combine(DataDirectory, "ibm-20131007.mflog"));
        Importer.ImportTardis([TardisTrades, TardisQuotes], Path.Combine(DataDirectory, "btcusdt-tardis.mflog"));
    }

    public static string IbmTrades => Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_trade.zip");

    public static string IbmQuotes => Path.Combine(TestPaths.SharedData, "lean-algoseek", "ibm", "20131007_quote.zip");

    public static string TardisTrades => Path.Combine(TestPaths.SharedData, "tardis", "BTCUSDT_trades.csv");

    public static string TardisQuotes => Path.Combine(TestPaths.SharedData, "tardis", "BTCUSDT_quotes.csv");

    public string DataDirectory { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
