using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>A request waiting for its reply. Completed by the receive loop; awaited by the caller.</summary>
internal sealed class PendingRequest(long id, string op, int symbolCount = 0, long? replayId = null, string? expectedReplayState = null)
{
    public long Id { get; } = id;

    public string Op { get; } = op;

    public int SymbolCount { get; } = symbolCount;

    public long? ReplayId { get; } = replayId;

    public string? ExpectedReplayState { get; } = expectedReplayState;

    /// <summary>Per-symbol errors (e.g. 404) collected for a subscribe; touched only by the receive loop.</summary>
    public List<ErrorMessage>? SymbolErrors { get; set; }

    /// <summary>Symbols those errors rejected (one error may name several); receive loop only.</summary>
    public int RejectedSymbolCount { get; set; }

    public TaskCompletionSource<ServerMessage> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
