using MarketFeed.Protocol;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Gateway.Replay;

/// <summary>Maps the dataset catalog and tick-log damage (Sources) to the protocol's messages (Sources does not know the protocol).</summary>
internal static class CatalogEntries
{
    /// <summary>One protocol entry per dataset of <paramref name="catalog"/>, in catalog order.</summary>
    public static IReadOnlyList<CatalogEntry> From(DatasetCatalog catalog)
    {
        var list = catalog.List();
        var entries = new CatalogEntry[list.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            entries[i] = ToEntry(list[i]);
        }

        return entries;
    }

    /// <summary>The protocol's catalog entry for <paramref name="info"/>, with its state, damage and flag counts.</summary>
    public static CatalogEntry ToEntry(DatasetInfo info)
    {
        var names = new string[info.Symbols.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = info.Symbols[i].Name;
        }

        var flags = new Dictionary<string, long>(2, StringComparer.Ordinal)
        {
            [CatalogEntry.FlagSuspicious] = info.SuspiciousTicks,
            [CatalogEntry.FlagSizeUnknown] = info.SizeUnknownTicks,
        };
        return new CatalogEntry(info.Name, names, info.From, info.To, info.TickCount, info.State, info.ReadableTicks, info.DamageSummary, flags);
    }

    /// <summary>The protocol's form of the damage a replay met (null if none), at most <see cref="ReplayDamage.MaxEntries"/>.</summary>
    public static IReadOnlyList<ReplayDamage>? ToReplayDamage(IReadOnlyList<TickLogDamage> damage)
    {
        if (damage.Count == 0)
        {
            return null;
        }

        var result = new ReplayDamage[Math.Min(damage.Count, ReplayDamage.MaxEntries)];
        for (int i = 0; i < result.Length; i++)
        {
            var d = damage[i];
            result[i] = new ReplayDamage(KindName(d.Kind), d.Offset, d.Length, d.AfterTimestamp, d.BeforeTimestamp, d.Description);
        }

        return result;
    }

    /// <summary>The wire name of a damage kind (docs/protocol.md section 6).</summary>
    public static string KindName(TickLogDamageKind kind) => kind switch
    {
        TickLogDamageKind.TruncatedBlock => "truncated_block",
        TickLogDamageKind.CorruptRegion => "corrupt_region",
        TickLogDamageKind.ChecksumMismatch => "checksum_mismatch",
        TickLogDamageKind.MalformedPayload => "malformed_payload",
        TickLogDamageKind.IndexRebuilt => "index_rebuilt",
        _ => "unknown",
    };
}
