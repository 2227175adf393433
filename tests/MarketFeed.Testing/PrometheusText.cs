using System.Globalization;

namespace MarketFeed.Testing;

/// <summary>
/// A strict reader of Prometheus text exposition (what <c>/metrics</c> serves): every sample is
/// <c>name{labels} value</c> after its family's <c># TYPE</c>; samples without labels are keyed by
/// the bare name (<c>name{}</c> and <c>name</c> are the same series).
/// </summary>
public static class PrometheusText
{
    /// <summary>Family name -> type (counter, gauge, histogram).</summary>
    public static Dictionary<string, string> Families(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                types[parts[2]] = parts[3];
            }
        }

        return types;
    }

    /// <summary>Series (name with labels) -> value; throws on anything malformed.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var typed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                if (parts.Length != 4 || parts[3] is not ("counter" or "gauge" or "histogram"))
                {
                    throw new FormatException("unknown metric type: " + line);
                }

                typed.Add(parts[2]);
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            int close = line.LastIndexOf('}');
            int space = line.IndexOf(' ', close < 0 ? 0 : close);
            if (space <= 0)
            {
                throw new FormatException("sample without a value: " + line);
            }

            string key = line[..space];
            if (key.EndsWith("{}", StringComparison.Ordinal))
            {
                key = key[..^2];
            }

            string family = key.Split('{')[0];
            if (!typed.Contains(family) && !typed.Contains(HistogramFamily(family)))
            {
                throw new FormatException("sample before its family's TYPE: " + line);
            }

            string valueText = line[(space + 1)..].Split(' ')[0];
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw new FormatException("bad value: " + line);
            }

            if (!samples.TryAdd(key, value))
            {
                throw new FormatException("duplicate sample " + key);
            }
        }

        return samples;
    }

    private static string HistogramFamily(string series)
    {
        foreach (string suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal))
            {
                return series[..^suffix.Length];
            }
        }

        return series;
    }
}
