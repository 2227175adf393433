using System.Numerics;
using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;

namespace MarketFeed.Engine;

/// <summary>
/// The engine's sequenced journal: every published tick, written once, in publication order, into
/// a fixed ring of <see cref="Capacity"/> ticks. A tick's position in the stream is its
/// <b>global sequence</b> (1, 2, 3, ... over all symbols; see <see cref="GlobalSequence"/>).
/// Full-mode subscribers read it with their own cursor; recovery reads what it still holds.
/// </summary>
/// <remarks>
/// <para>
/// One writer (the engine's sequencer thread) calls <see cref="Append"/>; it never waits for a
/// reader and never allocates. Any number of readers read at any time. A reader is never blocked
/// either: it copies entries and then asks <see cref="IsOverwritten"/> whether the writer lapped it
/// meanwhile, in which case what it copied may be torn and it must give up (the engine drops such a
/// subscriber with close 4001; it is never shown a gap).
/// </para>
/// <para>
/// Memory ordering (the project's one <see cref="Seqlock"/> convention, with the published count as
/// the one version of the whole ring): the writer stores the tick, then publishes it with a release
/// store of the count; before it overwrites a slot it has published the count that makes the old
/// entry "overwritten", and a store-store fence keeps that store ahead of the entry's stores. A
/// reader acquires the count before reading entries below it, and re-reads it after its copies
/// (load-load fence) to detect a lap.
/// </para>
/// <para>
/// Memory: <see cref="Capacity"/> x 64 bytes (one <see cref="Tick"/> per entry), allocated once.
/// </para>
/// </remarks>
public sealed class TickJournal
{
    private readonly Tick[] _entries;
    private readonly long _mask;
    private PaddedLong _published; // ticks appended so far = global sequence of the newest; writer only
    private PaddedLong _start; // position of the first entry ever appended (0, a restored stream's, or a replica's: StartAt)

    /// <summary>Creates a journal holding <paramref name="capacity"/> ticks (rounded up to a power of two).</summary>
    /// <param name="capacity">Ticks held.</param>
    /// <param name="startSequence">
    /// Global sequence of the tick before the first one appended here (0 for a new sequence space;
    /// a restored engine continues its stream). Positions below it were never in this journal.
    /// </param>
    public TickJournal(int capacity, long startSequence = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startSequence);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _entries = new Tick[size];
        _mask = size - 1;
        _start.Value = startSequence;
        _published.Value = startSequence;
    }

    /// <summary>Global sequence the journal started after (positions below it were never held here).</summary>
    public long StartSequence => _start.ReadVolatile();

    /// <summary>Ticks held (a power of two).</summary>
    public int Capacity => _entries.Length;

    /// <summary>
    /// Global sequence of the newest tick (0 before the first). The tick at position <c>p</c> has
    /// global sequence <c>p + 1</c>. Acquire read: every entry below it is readable.
    /// </summary>
    public long GlobalSequence
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _published.ReadVolatile();
    }

    /// <summary>Position the next <see cref="Append"/> writes to. Writer (sequencer thread) only.</summary>
    public long NextPosition
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _published.Value;
    }

    /// <summary>Position (0-based) of the oldest entry that is still intact.</summary>
    public long OldestPosition
    {
        get
        {
            long published = GlobalSequence; // acquire: _start was stored before the count it came with
            return Math.Max(_start.ReadVolatile(), published - _entries.Length + 1);
        }
    }

    /// <summary>
    /// Starts an empty journal at a global sequence assigned elsewhere (a scale-out gateway mirrors
    /// its ingest's stream): the next append gets global sequence <paramref name="lastGlobalSequence"/> + 1,
    /// and nothing before it is ever readable. Writer only, before the first append.
    /// </summary>
    public void StartAt(long lastGlobalSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastGlobalSequence);
        if (_published.Value != 0 || _start.Value != 0)
        {
            throw new InvalidOperationException("the journal has already started");
        }

        _start.WriteVolatile(lastGlobalSequence);
        _published.WriteVolatile(lastGlobalSequence);
    }

    /// <summary>Appends a tick and returns its position. Writer (sequencer thread) only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Append(in Tick tick)
    {
        long position = _published.Value;

        // The previous count (which marks this slot's old entry overwritten) before this entry's stores.
        Seqlock.StoreStoreFence();

        _entries[position & _mask] = tick;
        _published.WriteVolatile(position + 1);
        return position;
    }

    /// <summary>
    /// The entry at <paramref name="position"/>, by reference into the ring. Valid only if the
    /// position is below <see cref="GlobalSequence"/> and, after the caller is done reading it,
    /// <see cref="IsOverwritten"/> is still false. Any thread.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly Tick At(long position) => ref _entries[position & _mask];

    /// <summary>
    /// True if the entry at <paramref name="position"/> has been (or is being) overwritten: the
    /// writer is at least one lap ahead. Call it after reading an entry to validate the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOverwritten(long position)
    {
        Seqlock.LoadLoadFence(); // the entry's loads complete before the count is re-read
        return _published.ReadVolatile() - position >= _entries.Length;
    }

    /// <summary>
    /// Copies the entry at <paramref name="position"/> if it is published and intact. Any thread.
    /// </summary>
    public bool TryRead(long position, out Tick tick)
    {
        if (position < _start.ReadVolatile() || position >= GlobalSequence)
        {
            tick = default;
            return false;
        }

        tick = _entries[position & _mask];
        return !IsOverwritten(position);
    }
}
