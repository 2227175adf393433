using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Checks per-symbol sequence numbers as a full-mode client must: snapshot baseline, then +1 each.</summary>
public sealed class SequenceChecker
{
    private readonly Dictionary<int, long> _last = [];

    /// <summary>Market data messages checked.</summary>
    public long Updates { get; private set; }

    /// <summary>Description of the first gap, or null.</summary>
    public string? FirstGap { get; private set; }

    /// <summary>Feeds one message.</summary>
    public void Observe(ServerMessage message)
    {
        switch (message)
        {
            case SnapshotMessage s:
                _last[s.State.SymbolId] = s.State.Sequence;
                break;
            case QuoteMessage q:
                Check(q.SymbolId, q.Sequence);
                break;
            case TradeMessage t:
                Check(t.SymbolId, t.Sequence);
                break;
        }
    }

    private void Check(int symbolId, long seq)
    {
        Updates++;
        if (_last.TryGetValue(symbolId, out long last) && seq != last + 1)
        {
            FirstGap ??= $"symbol {symbolId}: {last} -> {seq}";
        }
        else if (!_last.ContainsKey(symbolId))
        {
            FirstGap ??= $"symbol {symbolId}: update before snapshot";
        }

        _last[symbolId] = seq;
    }
}
