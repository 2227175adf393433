using System.Text.Json;
using System.Text.Json.Serialization;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Import;

/// <summary>
/// Describes a CSV layout for <see cref="GenericCsvImporter"/>. Column properties take a header
/// name or a 0-based column index ("3"); unmapped columns are null. Loadable from JSON
/// (camelCase or PascalCase keys), e.g.
/// <c>{"delimiter":";","time":"ts","timeFormat":"dd.MM.yyyy HH:mm:ss.fff","timeZone":"Europe/Berlin","symbol":"sym","price":"px","size":"qty","priceDecimals":2}</c>.
/// </summary>
/// <remarks>
/// Row kind: from the <see cref="Kind"/> column if mapped (values in <see cref="TradeKindValues"/>
/// / <see cref="QuoteKindValues"/>), else a row with a non-empty price is a trade and any other
/// row a quote. An empty bid or ask field keeps that side's last value for the symbol (one-sided
/// updates merge into a full top of book). Fields, header names included, may be quoted as in
/// RFC 4180: inside double quotes the delimiter and line breaks are literal and "" is one quote
/// (docs/import.md, "Quoting").
/// </remarks>
public sealed class GenericCsvMapping
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Field delimiter: one character other than a double quote, or "tab". Default ",".</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>Whether the first line is a header row. Default true.</summary>
    public bool HasHeader { get; set; } = true;

    /// <summary>Exchange time column (required).</summary>
    public string? Time { get; set; }

    /// <summary>
    /// Time format: epoch units <c>s</c>, <c>ms</c>, <c>us</c>, <c>ns</c> (fractions allowed, e.g.
    /// "1700000000.25" in s), or a .NET custom date format (e.g. "yyyy-MM-dd HH:mm:ss.ffffff"); a
    /// format with an offset specifier (z, K) is taken at its offset, otherwise in <see cref="TimeZone"/>.
    /// </summary>
    public string TimeFormat { get; set; } = "ms";

    /// <summary>IANA time zone of local date-time text (default UTC); ambiguous local times take standard time.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>Receive time column (optional, same format as <see cref="Time"/>).</summary>
    public string? ReceiveTime { get; set; }

    /// <summary>Symbol column; if null every row is <see cref="DefaultSymbol"/>.</summary>
    public string? Symbol { get; set; }

    /// <summary>Symbol of every row when <see cref="Symbol"/> is not mapped.</summary>
    public string? DefaultSymbol { get; set; }

    /// <summary>Trade price column.</summary>
    public string? Price { get; set; }

    /// <summary>Trade size column.</summary>
    public string? Size { get; set; }

    /// <summary>Bid price column.</summary>
    public string? Bid { get; set; }

    /// <summary>Bid size column.</summary>
    public string? BidSize { get; set; }

    /// <summary>Ask price column.</summary>
    public string? Ask { get; set; }

    /// <summary>Ask size column.</summary>
    public string? AskSize { get; set; }

    /// <summary>Trade aggressor side column.</summary>
    public string? Side { get; set; }

    /// <summary>Row kind column (trade or quote).</summary>
    public string? Kind { get; set; }

    /// <summary>Values of <see cref="Kind"/> meaning trade (case-insensitive).</summary>
    public string[] TradeKindValues { get; set; } = ["trade", "t"];

    /// <summary>Values of <see cref="Kind"/> meaning quote (case-insensitive).</summary>
    public string[] QuoteKindValues { get; set; } = ["quote", "q"];

    /// <summary>Values of <see cref="Side"/> meaning buy (case-insensitive).</summary>
    public string[] BuyValues { get; set; } = ["buy", "b", "1"];

    /// <summary>Values of <see cref="Side"/> meaning sell (case-insensitive).</summary>
    public string[] SellValues { get; set; } = ["sell", "s", "2", "-1"];

    /// <summary>Price decimals of every symbol not in <see cref="SymbolScales"/>. Default 2.</summary>
    public int PriceDecimals { get; set; } = 2;

    /// <summary>Size decimals of every symbol not in <see cref="SymbolScales"/>. Default 0.</summary>
    public int SizeDecimals { get; set; }

    /// <summary>Per-symbol scales.</summary>
    public List<TickLogSymbol> SymbolScales { get; set; } = [];

    /// <summary>Parses a mapping from JSON.</summary>
    public static GenericCsvMapping FromJson(string json) =>
        JsonSerializer.Deserialize<GenericCsvMapping>(json, JsonOptions) ?? throw new ImportException("column mapping JSON is null");

    /// <summary>Loads a mapping from a JSON file.</summary>
    public static GenericCsvMapping Load(string path)
    {
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new ImportException($"{path}: invalid column mapping: {ex.Message}", ex);
        }
    }

    /// <summary>Serialises the mapping to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>The delimiter character.</summary>
    internal char DelimiterChar => Delimiter switch
    {
        "tab" or "\\t" or "\t" => '\t',
        "\"" => throw new ImportException("delimiter cannot be a double quote: it encloses quoted fields"),
        { Length: 1 } => Delimiter[0],
        _ => throw new ImportException($"delimiter must be one character or 'tab', not '{Delimiter}'"),
    };
}
