using System.Runtime.CompilerServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;
using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Sending;

/// <summary>
/// Encode-once cache: the last encoded quote and trade message of each symbol, keyed by sequence
/// number. The first sender that needs a given (symbol, kind, seq) encodes it and publishes the
/// bytes; every other sender copies them. Lock-free and allocation-free.
/// </summary>
/// <remarks>
/// Any sender thread may call <see cref="TryAppend"/> and <see cref="Publish"/> concurrently. Each
/// entry is a <see cref="Seqlock"/>: a publisher claims it by CAS from an even version to odd, writes, and
/// releases with the next even version; a reader copies to the stack and accepts the copy only if
/// the version was even and unchanged and the sequence matches. Losing a race just means encoding
/// locally, never waiting.
/// </remarks>
public sealed class EncodedMessageCache
{
    private readonly Entry[] _entries;

    /// <summary>Creates a cache for <paramref name="symbolCount"/> symbols.</summary>
    public EncodedMessageCache(int symbolCount)
    {
        _entries = new Entry[symbolCount * 2];
    }

    /// <summary>Appends the cached message for the tick to the frame; false on a miss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAppend(in Tick tick, FrameBuilder frame)
    {
        ref Entry entry = ref _entries[Index(tick)];
        long before = Volatile.Read(ref entry.Version);
        if ((before & 1) != 0 || Volatile.Read(ref entry.Sequence) != tick.Sequence)
        {
            return false;
        }

        int length = entry.Length;
        if ((uint)length > Entry.Capacity)
        {
            return false;
        }

        // Copy straight into the frame; the bytes count only if the entry did not change meanwhile.
        Span<byte> target = frame.ReserveMessage(length);
        ReadOnlySpan<byte> data = entry.Data;
        data[..length].CopyTo(target);
        if (!Seqlock.Validate(ref entry.Version, before) || entry.Sequence != tick.Sequence)
        {
            return false;
        }

        frame.CommitMessage(length);
        return true;
    }

    /// <summary>Offers freshly encoded bytes of the tick's message for other senders to reuse.</summary>
    public void Publish(in Tick tick, ReadOnlySpan<byte> encoded)
    {
        if (encoded.Length > Entry.Capacity)
        {
            return;
        }

        ref Entry entry = ref _entries[Index(tick)];
        long version = Volatile.Read(ref entry.Version);
        if ((version & 1) != 0 || entry.Sequence >= tick.Sequence)
        {
            return; // being written, or already holds this or a newer message
        }

        if (!Seqlock.TryBeginWrite(ref entry.Version, version))
        {
            return;
        }

        entry.Sequence = tick.Sequence;
        entry.Length = encoded.Length;
        encoded.CopyTo(entry.Data);
        Seqlock.EndWrite(ref entry.Version, version);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Index(in Tick tick) => (tick.SymbolId * 2) + (tick.Kind == TickKind.Trade ? 1 : 0);

    private struct Entry
    {
        public const int Capacity = 96;
        public long Version;
        public long Sequence;
        public int Length;
        public MessageBytes Data;
    }

    [InlineArray(Entry.Capacity)]
    private struct MessageBytes
    {
        private byte _first;
    }
}
