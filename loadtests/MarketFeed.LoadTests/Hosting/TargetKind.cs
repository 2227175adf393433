namespace MarketFeed.LoadTests.Hosting;

/// <summary>Which server a run targets.</summary>
public enum TargetKind
{
    /// <summary>MarketFeed over its WebSocket protocol (docs/protocol.md).</summary>
    MarketFeed,

    /// <summary>The SignalR baseline hub (loadtests/MarketFeed.SignalRBaseline).</summary>
    SignalR,
}
