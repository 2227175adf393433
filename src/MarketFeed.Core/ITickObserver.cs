namespace MarketFeed.Core;

/// <summary>
/// Sees every tick after sequencing and before conflation (e.g. the recorder). Defined here, with
/// <see cref="Tick"/>, so sources can observe an engine without referencing it.
/// </summary>
/// <remarks>
/// Called on the engine's single sequencer thread for every tick, in sequence order, before the
/// tick's state and journal entry are published: whatever an observer derives from the tick is in
/// place by the time a subscriber is handed the tick. An
/// implementation must not block, must not throw and must not allocate per tick: copy the tick
/// into its own bounded buffer and do slow work on another thread.
/// </remarks>
public interface ITickObserver
{
    /// <summary>Observes one sequenced tick.</summary>
    void OnTick(in Tick tick);
}
