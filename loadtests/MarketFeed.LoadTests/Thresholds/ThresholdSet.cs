using System.Text.Json;

namespace MarketFeed.LoadTests.Thresholds;

/// <summary>Thresholds of a run: from <c>--threshold</c> options and/or a JSON file (an array of rule strings,
/// or an object with a "thresholds" array).</summary>
public sealed class ThresholdSet
{
    /// <summary>The rules.</summary>
    public IReadOnlyList<Threshold> Rules { get; }

    /// <summary>Creates a set.</summary>
    public ThresholdSet(IEnumerable<Threshold> rules) => Rules = [.. rules];

    /// <summary>An empty set.</summary>
    public static ThresholdSet None { get; } = new([]);

    /// <summary>Parses rules from texts (each may hold several rules separated by ';') and an optional JSON file.</summary>
    public static ThresholdSet Parse(IEnumerable<string> texts, string? jsonFile)
    {
        var rules = new List<Threshold>();
        foreach (string text in texts)
        {
            foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                rules.Add(Threshold.Parse(part));
            }
        }

        if (jsonFile is not null)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(jsonFile));
            var array = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement : doc.RootElement.GetProperty("thresholds");
            foreach (var item in array.EnumerateArray())
            {
                rules.Add(Threshold.Parse(item.GetString() ?? string.Empty));
            }
        }

        return new ThresholdSet(rules);
    }
}
