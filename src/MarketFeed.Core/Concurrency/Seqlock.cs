using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace MarketFeed.Core.Concurrency;

/// <summary>
/// The project's one seqlock convention: a <c>long</c> version, odd while its data is being
/// written, advanced by 2 per write. Writers never wait for readers; a reader copies the data and
/// keeps the copy only if the version was even before and unchanged after.
/// </summary>
/// <remarks>
/// <para>
/// Writer: <c>v = BeginWrite(ref version)</c> (or <see cref="TryBeginWrite"/> where several
/// threads may write), write the data, <c>EndWrite(ref version, v)</c>. Reader:
/// <c>v = Volatile.Read(ref version)</c>, give up if odd, copy, <c>Validate(ref version, v)</c>.
/// </para>
/// <para>
/// Fences: the odd version must be visible before the data stores (store-store) and the data loads
/// must complete before the version is re-read (load-load). x86/x64 never reorders stores with
/// stores or loads with loads, so both compile out there (<see cref="X86Base.IsSupported"/> is a JIT
/// constant); on weak memory models (Arm64) they are full fences. The version stores themselves
/// are release stores and the version loads acquire loads.
/// </para>
/// <para>
/// Users: <c>SymbolStateTable</c> (one version per symbol, single writer), <c>EncodedMessageCache</c>
/// (one per entry, writers claim with <see cref="TryBeginWrite"/>) and <c>TickJournal</c> (its
/// published count is the version of the whole ring: an entry is "being written" once the count
/// reaches its position plus the capacity).
/// </para>
/// </remarks>
public static class Seqlock
{
    /// <summary>Single writer: makes the version odd and returns the even value it had.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long BeginWrite(ref long version)
    {
        long begun = version;
        Volatile.Write(ref version, begun + 1);
        StoreStoreFence();
        return begun;
    }

    /// <summary>Concurrent writers: claims the version (even to odd by CAS, a full fence). False if it is being written or changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryBeginWrite(ref long version, long expected) =>
        (expected & 1) == 0 && Interlocked.CompareExchange(ref version, expected + 1, expected) == expected;

    /// <summary>Publishes the data written since <see cref="BeginWrite"/> (release store of the next even version).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EndWrite(ref long version, long begun) => Volatile.Write(ref version, begun + 2);

    /// <summary>Reader: true if the data copied after reading <paramref name="before"/> (even) is consistent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Validate(ref long version, long before)
    {
        LoadLoadFence();
        return Volatile.Read(ref version) == before;
    }

    /// <summary>Orders earlier stores before later stores on weak memory models; nothing on x86/x64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreStoreFence()
    {
        if (!X86Base.IsSupported)
        {
            Interlocked.MemoryBarrier();
        }
    }

    /// <summary>Orders earlier loads before later loads on weak memory models; nothing on x86/x64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void LoadLoadFence()
    {
        if (!X86Base.IsSupported)
        {
            Interlocked.MemoryBarrier();
        }
    }
}
