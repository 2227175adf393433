namespace MarketFeed.Gateway.Connections;

/// <summary>Symbols one request named that the server rejects: a count and the first few names (truncated).</summary>
/// <remarks>Used by the receive loop only.</remarks>
internal struct RejectedSymbols
{
    /// <summary>Most names one error lists (each at most 64 characters): an error stays under about 7 KB.</summary>
    public const int MaxListed = 100;

    /// <summary>Rejected names (all of them, or the first <see cref="MaxListed"/>); null while none.</summary>
    public List<string>? Listed;

    /// <summary>How many were rejected.</summary>
    public int Count;

    /// <summary>Adds a rejected name.</summary>
    public void Add(string name)
    {
        Count++;
        Listed ??= [];
        if (Listed.Count < MaxListed)
        {
            Listed.Add(name.Length <= 64 ? name : name[..64] + "...");
        }
    }
}
