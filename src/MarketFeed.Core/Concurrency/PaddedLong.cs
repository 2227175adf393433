using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MarketFeed.Core.Concurrency;

/// <summary>
/// A 64-bit value alone on its own pair of cache lines (128 bytes; adjacent-line prefetch pairs
/// lines), so that a counter written by one thread does not false-share with its neighbours.
/// </summary>
/// <remarks>
/// The project's one padding convention: every counter that one thread writes and another reads
/// is a <see cref="PaddedLong"/> (a cached copy of another thread's counter too), never a bare
/// <c>long</c> beside other hot fields. ConcurrencyLayoutTests asserts the layout and that the
/// shared-state types follow it.
/// Plain reads/writes of <see cref="Value"/> have no ordering; use the Volatile/Interlocked members
/// when another thread reads or writes it.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 128)]
public struct PaddedLong
{
    /// <summary>The value, at offset 56 so that 56 bytes precede and 64 follow it.</summary>
    [FieldOffset(56)] public long Value;

    /// <summary>Acquire read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadVolatile() => Volatile.Read(ref Value);

    /// <summary>Release write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteVolatile(long value) => Volatile.Write(ref Value, value);

    /// <summary>Atomic increment; returns the new value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Increment() => Interlocked.Increment(ref Value);
}
