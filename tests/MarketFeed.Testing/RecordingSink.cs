using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.Testing;

/// <summary>
/// An <see cref="IUpdateSink"/> that records what a drain delivers, with per-symbol views:
/// last quote, last trade, snapshot baselines and the ordered sequence numbers seen.
/// </summary>
public sealed class RecordingSink : IUpdateSink
{
    /// <summary>Messages accepted per drain call before HasRoom turns false (int.MaxValue = unlimited).</summary>
    public int RoomPerDrain { get; set; } = int.MaxValue;

    /// <summary>Keep <see cref="Received"/> and <see cref="Sequences"/> (false: only the latest state, for long runs).</summary>
    public bool KeepHistory { get; set; } = true;

    /// <summary>Messages in the current drain.</summary>
    public int InCurrentDrain { get; private set; }

    /// <summary>Everything received, in order.</summary>
    public List<(bool IsSnapshot, Tick Tick, MarketSnapshot Snapshot)> Received { get; } = [];

    /// <summary>Latest known state per symbol, built from snapshots, quotes and trades.</summary>
    public Dictionary<int, MarketSnapshot> State { get; } = [];

    /// <summary>First snapshot per symbol (the subscription baseline).</summary>
    public Dictionary<int, MarketSnapshot> FirstSnapshot { get; } = [];

    /// <summary>Sequence numbers of quote/trade messages per symbol, in arrival order (snapshots excluded).</summary>
    public Dictionary<int, List<long>> Sequences { get; } = [];

    /// <inheritdoc />
    public bool HasRoom => InCurrentDrain < RoomPerDrain;

    /// <summary>Resets the per-drain room counter.</summary>
    public void NextDrain() => InCurrentDrain = 0;

    /// <inheritdoc />
    public void OnSnapshot(in MarketSnapshot snapshot)
    {
        InCurrentDrain++;
        if (KeepHistory)
        {
            Received.Add((true, default, snapshot));
        }

        State[snapshot.SymbolId] = snapshot;
        FirstSnapshot.TryAdd(snapshot.SymbolId, snapshot);
    }

    /// <inheritdoc />
    public void OnTick(in Tick tick)
    {
        InCurrentDrain++;
        if (KeepHistory)
        {
            Received.Add((false, tick, default));
            if (!Sequences.TryGetValue(tick.SymbolId, out var list))
            {
                Sequences[tick.SymbolId] = list = [];
            }

            list.Add(tick.Sequence);
        }

        State.TryGetValue(tick.SymbolId, out MarketSnapshot s);
        s.SymbolId = tick.SymbolId;
        s.Apply(tick);
        State[tick.SymbolId] = s;
    }
}
