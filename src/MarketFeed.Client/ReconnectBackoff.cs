namespace MarketFeed.Client;

/// <summary>Exponential backoff with jitter for reconnect attempts.</summary>
public static class ReconnectBackoff
{
    /// <summary>
    /// Delay before reconnect attempt <paramref name="attempt"/> (0-based):
    /// <c>min(max, initial * 2^attempt)</c>, then spread by <c>±jitter</c> (a fraction, 0..1) using
    /// <paramref name="random01"/> (uniform in [0, 1)), and capped at <paramref name="max"/>.
    /// </summary>
    public static TimeSpan Compute(int attempt, TimeSpan initial, TimeSpan max, double jitter, double random01)
    {
        if (initial <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // 2^30 * any sane initial delay is past any sane max; clamp the exponent so the double cannot overflow.
        double baseTicks = Math.Min(max.Ticks, initial.Ticks * Math.Pow(2, Math.Clamp(attempt, 0, 30)));
        double factor = 1 + (Math.Clamp(jitter, 0, 1) * ((2 * random01) - 1));
        double ticks = Math.Clamp(baseTicks * factor, 0, max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
