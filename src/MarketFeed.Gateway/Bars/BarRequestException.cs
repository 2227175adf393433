using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Bars;

/// <summary>A <c>bars</c> request that gets an error reply: its code, text and, for 404, the symbol.</summary>
public sealed class BarRequestException(ErrorCode code, string message, string? symbol) : Exception(message)
{
    /// <summary>Error code of the reply.</summary>
    public ErrorCode Code { get; } = code;

    /// <summary>The symbol the error is about (404), else null.</summary>
    public string? Symbol { get; } = symbol;
}
