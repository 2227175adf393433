using System.Globalization;

namespace MarketFeed.Sources.Replay;

/// <summary>
/// Replay speed: a positive multiplier of real time (1 = original pace, 10 = ten times faster,
/// 0.5 = half speed) or <see cref="Max"/> (no waiting: paced only by the consumer).
/// </summary>
public readonly record struct ReplaySpeed
{
    private ReplaySpeed(double multiplier) => Multiplier = multiplier;

    /// <summary>As fast as the consumer takes ticks.</summary>
    public static ReplaySpeed Max { get; } = new(double.PositiveInfinity);

    /// <summary>Original pace.</summary>
    public static ReplaySpeed RealTime { get; } = new(1);

    /// <summary>The multiplier (+∞ for <see cref="Max"/>).</summary>
    public double Multiplier { get; }

    /// <summary>True for <see cref="Max"/>.</summary>
    public bool IsMax => double.IsPositiveInfinity(Multiplier);

    /// <summary>A finite speed; throws unless positive and finite.</summary>
    public static ReplaySpeed FromMultiplier(double multiplier) =>
        multiplier > 0 && double.IsFinite(multiplier) ? new ReplaySpeed(multiplier) : throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "speed must be a positive finite number (or use ReplaySpeed.Max)");

    /// <summary>Parses "max", "10", "10x", "0.5x" (case-insensitive).</summary>
    public static bool TryParse(string? text, out ReplaySpeed speed)
    {
        speed = RealTime;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            speed = Max;
            return true;
        }

        if (span.EndsWith("x", StringComparison.OrdinalIgnoreCase))
        {
            span = span[..^1];
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0 && double.IsFinite(m))
        {
            speed = new ReplaySpeed(m);
            return true;
        }

        return false;
    }

    /// <summary>"max" or e.g. "10x", "0.5x" (the protocol's speed text).</summary>
    public override string ToString() => IsMax ? "max" : Multiplier.ToString("0.###", CultureInfo.InvariantCulture) + "x";
}
