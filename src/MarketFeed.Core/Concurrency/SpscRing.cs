using System.Numerics;
using System.Runtime.CompilerServices;

namespace MarketFeed.Core.Concurrency;

/// <summary>
/// The project's one bounded single-producer/single-consumer ring. The producer never waits: a
/// full ring is reported (<see cref="TryEnqueue"/> returns false) and the caller decides (drop and
/// count, or back off). Used by the tick recorder between the sequencer and its writer thread.
/// </summary>
/// <remarks>
/// <para>
/// Exactly one producer thread calls <see cref="TryEnqueue"/>; exactly one consumer thread calls
/// <see cref="Available"/>, <see cref="Peek"/> and <see cref="Advance"/> (or <see cref="TryDequeue"/>).
/// </para>
/// <para>
/// Ordering: the producer writes the element, then publishes it with a release store of the
/// written count; the consumer acquires the count before reading elements below it, and frees
/// slots with a release store of the read count after it is done with them. Conventions: each
/// count is a <see cref="PaddedLong"/>, and each side keeps a cached copy of the other side's count
/// (also padded, on its own line) so that it touches the other side's cache line only when the ring
/// looks full (producer) or empty (consumer).
/// </para>
/// </remarks>
/// <typeparam name="T">Element type (copied by value).</typeparam>
public sealed class SpscRing<T>
    where T : struct
{
    private readonly T[] _buffer;
    private readonly long _mask;
    private PaddedLong _written;          // producer writes
    private PaddedLong _producerReadCopy; // producer's cached copy of _read
    private PaddedLong _read;             // consumer writes
    private PaddedLong _consumerWrittenCopy; // consumer's cached copy of _written

    /// <summary>Creates a ring of at least <paramref name="capacity"/> elements (rounded up to a power of two, at most 2^30).</summary>
    public SpscRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Min(Math.Max(2, capacity), 1 << 30));
        _buffer = new T[size];
        _mask = size - 1;
    }

    /// <summary>Capacity in elements.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Elements waiting (exact when called by either side while the other is idle). Any thread.</summary>
    public long Count => _written.ReadVolatile() - _read.ReadVolatile();

    /// <summary>Elements ever enqueued. Any thread.</summary>
    public long Written => _written.ReadVolatile();

    /// <summary>Producer only. False (nothing written) if the ring is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(in T item)
    {
        long written = _written.Value;
        if (written - _producerReadCopy.Value >= _buffer.Length)
        {
            _producerReadCopy.Value = _read.ReadVolatile();
            if (written - _producerReadCopy.Value >= _buffer.Length)
            {
                return false;
            }
        }

        _buffer[written & _mask] = item;
        _written.WriteVolatile(written + 1);
        return true;
    }

    /// <summary>Consumer only: elements readable now (0..Capacity).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Available()
    {
        long read = _read.Value;
        if (read >= _consumerWrittenCopy.Value)
        {
            _consumerWrittenCopy.Value = _written.ReadVolatile();
        }

        return (int)(_consumerWrittenCopy.Value - read);
    }

    /// <summary>Consumer only: the element <paramref name="offset"/> places after the read position (offset &lt; <see cref="Available"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly T Peek(int offset) => ref _buffer[(_read.Value + offset) & _mask];

    /// <summary>Consumer only: frees <paramref name="count"/> elements (count &lt;= <see cref="Available"/>) for the producer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count) => _read.WriteVolatile(_read.Value + count);

    /// <summary>Consumer only. False if the ring is empty.</summary>
    public bool TryDequeue(out T item)
    {
        if (Available() == 0)
        {
            item = default;
            return false;
        }

        item = Peek(0);
        Advance(1);
        return true;
    }
}
