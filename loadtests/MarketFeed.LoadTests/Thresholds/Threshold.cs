using System.Globalization;
using System.Text.RegularExpressions;

namespace MarketFeed.LoadTests.Thresholds;

/// <summary>
/// A pass/fail rule on a run metric, parsed from text such as <c>p99 &lt; 50ms</c>,
/// <c>delivered &gt;= 1e6/s</c>, <c>errors = 0</c>, <c>mem_per_conn_kb &lt;= 16</c>.
/// Latency metrics are in ms (units ms, us, s accepted); rates in per second (k, M suffixes).
/// </summary>
public sealed partial class Threshold
{
    private static readonly HashSet<string> EndOnly = new(StringComparer.Ordinal)
    {
        "delivered", "bytes", "client_min", "client_mean", "client_max", "mem_per_conn_kb", "heap_per_conn_kb",
        "server_cpu", "client_cpu", "cpu_us_per_update", "cpu_us_per_frame", "server_mem_mb", "connect_p99", "ack_p99", "ready_p99",
        "replay_runs", "replay_tps", "replay_errors",
        "reconnect_all_live_s", "reconnect_not_live", "recovered_share", "reconnect_cpu_s",
    };

    private Threshold(string text, string metric, string op, double value)
    {
        Text = text;
        Metric = metric;
        Operator = op;
        Value = value;
    }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>Metric name (see <see cref="Metrics.Names"/>).</summary>
    public string Metric { get; }

    /// <summary>Comparison operator.</summary>
    public string Operator { get; }

    /// <summary>Limit in the metric's base unit.</summary>
    public double Value { get; }

    /// <summary>True if the rule is also checked on every sample while the run goes (counters and latency percentiles).</summary>
    public bool CheckedDuringRun => !EndOnly.Contains(Metric);

    /// <summary>Parses one rule.</summary>
    /// <exception cref="FormatException">The text is not a rule or names an unknown metric.</exception>
    public static Threshold Parse(string text)
    {
        var m = Rule().Match(text);
        if (!m.Success)
        {
            throw new FormatException($"threshold '{text}': expected 'metric op value[unit]', e.g. 'p99 < 50ms'");
        }

        string metric = m.Groups[1].Value.ToLowerInvariant();
        if (!Metrics.Names.Contains(metric))
        {
            throw new FormatException($"threshold '{text}': unknown metric '{metric}' (known: {string.Join(", ", Metrics.Names)})");
        }

        double value = double.Parse(m.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture) * UnitFactor(m.Groups[4].Value, text);
        string op = m.Groups[2].Value == "=" ? "==" : m.Groups[2].Value;
        return new Threshold(text.Trim(), metric, op, value);
    }

    /// <summary>True if <paramref name="actual"/> satisfies the rule (a missing metric fails).</summary>
    public bool IsMet(double? actual) => actual is { } a && !double.IsNaN(a) && Operator switch
    {
        "<" => a < Value,
        "<=" => a <= Value,
        ">" => a > Value,
        ">=" => a >= Value,
        "==" => a == Value,
        "!=" => a != Value,
        _ => false,
    };

    /// <inheritdoc />
    public override string ToString() => Text;

    private static double UnitFactor(string unit, string text) => unit switch
    {
        "" or "ms" or "/s" or "%" or "kb" or "KB" or "mb" or "MB" => 1,
        "us" or "µs" => 0.001,
        "s" => 1000,
        "k" or "k/s" or "K" or "K/s" => 1e3,
        "M" or "M/s" => 1e6,
        _ => throw new FormatException($"threshold '{text}': unknown unit '{unit}'"),
    };

    [GeneratedRegex(@"^\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(<=|>=|==|!=|<|>|=)\s*([0-9.]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-zµ%/]*)\s*$")]
    private static partial Regex Rule();
}
