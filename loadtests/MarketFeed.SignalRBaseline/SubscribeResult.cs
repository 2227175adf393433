using MessagePack;

namespace MarketFeed.SignalRBaseline;

/// <summary>Reply of <see cref="FeedHub.Subscribe"/>: the subscribed symbols and their ids.</summary>
[MessagePackObject]
public sealed class SubscribeResult
{
    /// <summary>Subscribed symbol names.</summary>
    [Key(0)] public string[] Symbols { get; set; } = [];

    /// <summary>Ids of <see cref="Symbols"/>, same order.</summary>
    [Key(1)] public int[] SymbolIds { get; set; } = [];
}
