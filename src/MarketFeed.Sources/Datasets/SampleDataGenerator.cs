using System.Globalization;
using System.Text;
using System.Text.Json;
using MarketFeed.Core;
using MarketFeed.Sources.Import;
using MarketFeed.Sources.Simulation;

namespace MarketFeed.Sources.Datasets;

/// <summary>
/// Generates the project's own synthetic quick-start dataset (real vendor data may not be redistributed): ticks from
/// the <see cref="MarketSimulator"/> with a fixed seed over the first symbols of the universe, written as a CSV in
/// New York local time plus its <see cref="GenericCsvMapping"/> JSON. Same inputs, same bytes.
/// </summary>
public static class SampleDataGenerator
{
    /// <summary>Dataset name of the default sample (<c>config/datasets/sample-equities.csv</c>).</summary>
    public const string DefaultName = "sample-equities";

    /// <summary>CSV header of the generated file.</summary>
    public const string Header = "time,symbol,kind,price,size,side,bid,bid_size,ask,ask_size";

    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.fff";
    private const string TimeZoneId = "America/New_York";
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true, IndentSize = 2 };

    /// <summary>The column mapping that imports the generated CSV (prices and sizes in the universe's scales).</summary>
    public static GenericCsvMapping CreateMapping(int priceDecimals = 4, int sizeDecimals = 0) => new()
    {
        Delimiter = ",",
        HasHeader = true,
        Time = "time",
        TimeFormat = TimeFormat,
        TimeZone = TimeZoneId,
        Symbol = "symbol",
        Kind = "kind",
        Price = "price",
        Size = "size",
        Side = "side",
        Bid = "bid",
        BidSize = "bid_size",
        Ask = "ask",
        AskSize = "ask_size",
        PriceDecimals = priceDecimals,
        SizeDecimals = sizeDecimals,
    };

    /// <summary>
    /// Writes <paramref name="csvPath"/> (and <c>NAME.mapping.json</c> beside it): <paramref name="ticks"/> simulated
    /// ticks for the first <paramref name="symbolCount"/> symbols of <paramref name="universe"/>, starting 09:30:00
    /// New York time on <paramref name="date"/>, about 30 ms apart (exponential gaps, millisecond resolution).
    /// </summary>
    /// <returns>The number of data rows written.</returns>
    public static int Generate(SymbolUniverse universe, string csvPath, int ticks = 20_000, int symbolCount = 5, ulong seed = 20240603, DateOnly? date = null)
    {
        ArgumentNullException.ThrowIfNull(universe);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ticks);
        var symbols = new List<SymbolInfo>();
        for (int i = 0; i < Math.Min(symbolCount, universe.Count); i++)
        {
            symbols.Add(universe[i]);
        }

        var sample = new SymbolUniverse(symbols);
        var simulator = new MarketSimulator(sample, new SimulatorOptions { Seed = seed, ZipfExponent = 0.6, TradeRatio = 0.25, Volatility = 0.3, MaxLots = 20 });
        var gaps = new SplitMix64(seed ^ 0x5DEECE66DUL);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);
        var day = date ?? new DateOnly(2024, 6, 3);
        var localOpen = day.ToDateTime(new TimeOnly(9, 30), DateTimeKind.Unspecified);
        long openNs = UnixTime.FromDateTimeOffset(new DateTimeOffset(localOpen, zone.GetUtcOffset(localOpen)));
        TimeSpan offset = zone.GetUtcOffset(localOpen);

        string? directory = Path.GetDirectoryName(Path.GetFullPath(csvPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var inv = CultureInfo.InvariantCulture;
        using (var writer = new StreamWriter(csvPath, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" })
        {
            writer.WriteLine(Header);
            long elapsedMs = 0;
            Tick tick = default;
            for (int i = 0; i < ticks; i++)
            {
                // Exponential inter-arrival times, mean about 30 ms, at least 1 ms.
                elapsedMs += Math.Max(1, (long)Math.Round(-Math.Log(1 - gaps.NextDouble()) * 29.5));
                long ts = openNs + (elapsedMs * UnixTime.NanosPerMillisecond);
                simulator.Next(ref tick, ts);
                SymbolInfo s = sample[tick.SymbolId];
                string time = UnixTime.ToDateTimeOffset(ts).ToOffset(offset).ToString(TimeFormat, inv);
                if (tick.Kind == TickKind.Trade)
                {
                    string side = tick.Side == TradeSide.Buy ? "B" : "S";
                    writer.WriteLine(string.Create(inv, $"{time},{s.Name},T,{Decimal(tick.Price, s.PriceDecimals)},{Decimal(tick.Size, s.SizeDecimals)},{side},,,,"));
                }
                else
                {
                    writer.WriteLine(string.Create(inv, $"{time},{s.Name},Q,,,,{Decimal(tick.BidPrice, s.PriceDecimals)},{Decimal(tick.BidSize, s.SizeDecimals)},{Decimal(tick.AskPrice, s.PriceDecimals)},{Decimal(tick.AskSize, s.SizeDecimals)}"));
                }
            }
        }

        int pd = symbols.Count > 0 ? symbols[0].PriceDecimals : 4;
        int sd = symbols.Count > 0 ? symbols[0].SizeDecimals : 0;
        var mapping = CreateMapping(pd, sd);
        foreach (var s in symbols)
        {
            if (s.PriceDecimals != pd || s.SizeDecimals != sd)
            {
                mapping.SymbolScales.Add(new TickLog.TickLogSymbol(s.Name, s.PriceDecimals, s.SizeDecimals));
            }
        }

        using var json = JsonDocument.Parse(mapping.ToJson());
        string indented = JsonSerializer.Serialize(json.RootElement, IndentedJson).Replace("\r\n", "\n", StringComparison.Ordinal);
        File.WriteAllText(SampleDatasets.MappingPathFor(csvPath), indented + "\n", new UTF8Encoding(false));
        return ticks;
    }

    /// <summary>Fixed-point value as decimal text without trailing zeros (228.5 for 2285000 at 4 decimals).</summary>
    private static string Decimal(long value, int decimals)
    {
        string text = FixedPoint.Format(value, decimals);
        return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
    }
}
