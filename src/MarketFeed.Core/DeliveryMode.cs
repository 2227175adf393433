namespace MarketFeed.Core;

/// <summary>How updates for a subscription are delivered.</summary>
public enum DeliveryMode
{
    /// <summary>Latest state per symbol; intermediate values may be skipped.</summary>
    Conflated = 0,

    /// <summary>Every tick in order; overflow closes the connection with 4001.</summary>
    Full = 1,
}

/// <summary>Wire names of <see cref="DeliveryMode"/>.</summary>
public static class DeliveryModeNames
{
    /// <summary>"conflated" or "full".</summary>
    public static string Name(this DeliveryMode mode) => mode == DeliveryMode.Full ? "full" : "conflated";

    /// <summary>Parses "conflated" or "full" (case-insensitive).</summary>
    public static bool TryParse(string? text, out DeliveryMode mode)
    {
        if (string.Equals(text, "full", StringComparison.OrdinalIgnoreCase))
        {
            mode = DeliveryMode.Full;
            return true;
        }

        mode = DeliveryMode.Conflated;
        return string.Equals(text, "conflated", StringComparison.OrdinalIgnoreCase);
    }
}
