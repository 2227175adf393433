using MessagePack;

namespace MarketFeed.LoadTests.Clients;

/// <summary>Client-side shape of the baseline hub's Subscribe result.</summary>
[MessagePackObject]
public sealed class SignalRSubscribeResult
{
    /// <summary>Subscribed symbols.</summary>
    [Key(0)] public string[] Symbols { get; set; } = [];

    /// <summary>Their ids.</summary>
    [Key(1)] public int[] SymbolIds { get; set; } = [];
}
