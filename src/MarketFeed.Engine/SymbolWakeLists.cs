using System.Runtime.CompilerServices;

namespace MarketFeed.Engine;

/// <summary>
/// Per symbol, the conflated subscribers waiting for its next tick: a lock-free stack of
/// <see cref="ConflatedWaiter"/> nodes. This is what makes the writer's cost per tick independent
/// of how many conflated subscribers a symbol has.
/// </summary>
/// <remarks>
/// <para>
/// The cycle of one conflated subscription: its dirty bit is set (subscribe, or a tick woke it) ->
/// its sender's drain clears the bit, <see cref="Arm"/>s the node (pushes it on the symbol's list)
/// and then reads the symbol's latest state and sends what is new -> the symbol's next tick takes the
/// whole list off in one exchange (<see cref="WakeAll"/>) and sets each node's dirty bit (waking the
/// sender on a clear-to-set flip) -> the drain again. A subscriber whose bit is already set is in no
/// list, so a tick of a hot symbol whose subscribers are all behind costs the writer one load of an
/// empty list head, whatever the subscriber count. The writer pays one mark per subscriber per
/// <i>delivery</i> (when the subscriber has caught up), never per tick.
/// </para>
/// <para>
/// No missed tick (Dekker): the writer stores the state, issues a full fence, then loads the list
/// head; the drain pushes its node with an interlocked compare-exchange (full fence), then reads the
/// state. Either the writer sees the node (and marks it), or the drain's read sees the tick. A tick
/// that lands between the push and the read is both sent and marked: the next drain finds nothing
/// new and sends nothing (a spurious wake-up, never a duplicate).
/// </para>
/// <para>
/// Lists are push (many drains) / take-all (the writer, or the control path's purge) stacks; a
/// take-all by exchange has no ABA problem. A taker reads a node's <see cref="ConflatedWaiter.Next"/>
/// before it clears <see cref="ConflatedWaiter.Armed"/>, after which the node may be pushed again.
/// Unsubscribed nodes stay in a list until it is next taken; so that a quiet symbol cannot collect
/// them without bound, the control path purges a list once its removed-but-armed nodes outnumber
/// max(64, live subscriptions) (amortised O(1) per unsubscribe; a purge wakes the live ones, which
/// costs them one empty drain). Heads sit 64 bytes apart (no false sharing between symbols).
/// </para>
/// </remarks>
internal sealed class SymbolWakeLists
{
    private const int HeadShift = 3; // 8 references = 64 bytes per head
    private const int PurgeFloor = 64;

    private readonly ConflatedWaiter?[] _heads;
    private readonly int[] _live;    // conflated subscriptions per symbol (under the engine's lock)
    private readonly int[] _removed; // removed nodes that may still sit in the list (under the engine's lock)

    /// <summary>Creates empty lists for <paramref name="symbols"/> symbols.</summary>
    public SymbolWakeLists(int symbols)
    {
        _heads = new ConflatedWaiter?[symbols << HeadShift];
        _live = new int[symbols];
        _removed = new int[symbols];
    }

    /// <summary>Conflated subscriptions of a symbol. Any thread.</summary>
    public int Count(int symbolId) => Volatile.Read(ref _live[symbolId]);

    /// <summary>
    /// Writer: wakes every armed subscriber of the symbol, if any (one load when none is). Returns
    /// how many nodes it took off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int WakeAll(int symbolId)
    {
        ref ConflatedWaiter? head = ref _heads[symbolId << HeadShift];
        return Volatile.Read(ref head) is null ? 0 : Take(ref head);
    }

    /// <summary>Drain: puts the node on its symbol's list unless it is there already. Full fence.</summary>
    public void Arm(ConflatedWaiter node)
    {
        if (Interlocked.CompareExchange(ref node.Armed, 1, 0) != 0)
        {
            return;
        }

        ref ConflatedWaiter? head = ref _heads[node.SymbolId << HeadShift];
        while (true)
        {
            ConflatedWaiter? current = Volatile.Read(ref head);
            node.Next = current;
            if (Interlocked.CompareExchange(ref head, node, current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Control path, under the engine's subscription lock: a conflated subscription was added.</summary>
    public void Added(int symbolId) => Volatile.Write(ref _live[symbolId], _live[symbolId] + 1);

    /// <summary>
    /// Control path, under the engine's subscription lock: the node's subscription is gone. Purges the
    /// symbol's list when removed nodes could outnumber live ones.
    /// </summary>
    public void Removed(ConflatedWaiter node)
    {
        int id = node.SymbolId;
        Volatile.Write(ref node.Removed, true);
        Volatile.Write(ref _live[id], _live[id] - 1);
        if (Volatile.Read(ref node.Armed) == 0)
        {
            return;
        }

        if (++_removed[id] >= Math.Max(PurgeFloor, _live[id]))
        {
            _removed[id] = 0;
            Take(ref _heads[id << HeadShift]);
        }
    }

    /// <summary>Takes the whole list and marks each live node's slot dirty.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Take(ref ConflatedWaiter? head)
    {
        int taken = 0;
        ConflatedWaiter? node = Interlocked.Exchange(ref head, null);
        while (node is not null)
        {
            taken++;
            ConflatedWaiter? next = node.Next;
            node.Next = null;
            Volatile.Write(ref node.Armed, 0); // from here on a drain may push it again
            if (!Volatile.Read(ref node.Removed))
            {
                node.Subscriber.MarkDirty(node.Slot);
            }

            node = next;
        }

        return taken;
    }
}
