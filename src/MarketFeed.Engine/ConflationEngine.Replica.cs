using System.Runtime.CompilerServices;
using MarketFeed.Core;

namespace MarketFeed.Engine;

/// <summary>
/// The replica entry points: a scale-out gateway's engine carries the sequences its ingest assigned
/// (per-symbol <c>seq</c>, the accumulator, the global sequence and the epoch) instead of assigning
/// its own. See docs/scale-out.md.
/// </summary>
public sealed partial class ConflationEngine
{
    /// <summary>
    /// Makes this engine a replica whose journal continues an ingest's stream after global sequence
    /// <paramref name="lastGlobalSequence"/> (the sequence of the state it was seeded with, see
    /// <see cref="Seed"/>). Single writer, before the first <see cref="PublishReplicated"/>.
    /// </summary>
    public void StartReplicaAt(long lastGlobalSequence) => _journal.StartAt(lastGlobalSequence);

    /// <summary>
    /// Applies a tick sequenced by the ingest, at the ingest's global sequence. The global sequence
    /// must be the next one (<see cref="GlobalSequence"/> + 1): a replica never shows a gap.
    /// Single writer; no allocation.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The global sequence is not the next one.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PublishReplicated(in Tick tick, long globalSequence)
    {
        if (globalSequence != _journal.GlobalSequence + 1)
        {
            ThrowGlobalSequenceGap(globalSequence, _journal.GlobalSequence + 1);
        }

        PublishSequenced(tick);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowGlobalSequenceGap(long got, long expected) =>
        throw new ArgumentOutOfRangeException(nameof(got), got, $"global sequence {got} is not the next one ({expected})");
}
