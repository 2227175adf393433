using MarketFeed.Protocol;
using MarketFeed.Sources.Datasets;

namespace MarketFeed.Gateway.Replay;

/// <summary>Maps the dataset catalog (Sources) to the protocol's catalog message entries.</summary>
internal static class CatalogEntries
{
    /// <summary>One protocol entry per dataset of <paramref name="catalog"/>, in catalog order.</summary>
    public static IReadOnlyList<CatalogEntry> From(DatasetCatalog catalog)
    {
        var list = catalog.List();
        var entries = new CatalogEntry[list.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = list[i].ToCatalogEntry();
        }

        return entries;
    }
}
