using System.Numerics;
using System.Runtime.CompilerServices;

namespace MarketFeed.Engine;

/// <summary>
/// Bounded single-producer/single-consumer ring of <see cref="QueuedTick"/> for one full-mode
/// subscriber. A full ring is reported to the producer (who then drops the subscriber); a tick is
/// never overwritten or skipped.
/// </summary>
/// <remarks>
/// Exactly one producer thread (the sequencer) calls <see cref="TryEnqueue"/> and exactly one
/// consumer (the subscriber's drain, under its lock) calls <see cref="TryDequeue"/>. The producer
/// publishes a slot with a release write of the tail after writing the element; the consumer
/// frees a slot with a release write of the head after reading it. Each side caches the other's
/// index to touch the shared cache line only when it seems full/empty. Head and tail live on
/// separate padded cache lines.
/// </remarks>
public sealed class TickRing
{
    private readonly QueuedTick[] _buffer;
    private readonly long _mask;
    private PaddedLong _tail;       // written by producer
    private PaddedLong _cachedHead; // producer's copy of head
    private PaddedLong _head;       // written by consumer
    private PaddedLong _cachedTail; // consumer's copy of tail

    /// <summary>Creates a ring holding at least <paramref name="capacity"/> ticks (rounded up to a power of two).</summary>
    public TickRing(int capacity)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _buffer = new QueuedTick[size];
        _mask = size - 1;
    }

    /// <summary>Capacity in ticks.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Approximate number of queued ticks (exact when called by either side while the other is idle).</summary>
    public int Count => (int)(Volatile.Read(ref _tail.Value) - Volatile.Read(ref _head.Value));

    /// <summary>Producer only. False if the ring is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(in Core.Tick tick, int slot, int generation)
    {
        long tail = _tail.Value;
        if (tail - _cachedHead.Value >= _buffer.Length)
        {
            _cachedHead.Value = Volatile.Read(ref _head.Value);
            if (tail - _cachedHead.Value >= _buffer.Length)
            {
                return false;
            }
        }

        ref QueuedTick item = ref _buffer[tail & _mask];
        item.Tick = tick;
        item.Slot = slot;
        item.Generation = generation;
        Volatile.Write(ref _tail.Value, tail + 1);
        return true;
    }

    /// <summary>Consumer only. False if the ring is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(out QueuedTick item)
    {
        long head = _head.Value;
        if (head >= _cachedTail.Value)
        {
            _cachedTail.Value = Volatile.Read(ref _tail.Value);
            if (head >= _cachedTail.Value)
            {
                item = default;
                return false;
            }
        }

        item = _buffer[head & _mask];
        Volatile.Write(ref _head.Value, head + 1);
        return true;
    }
}
