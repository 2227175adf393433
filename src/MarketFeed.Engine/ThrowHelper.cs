using System.Diagnostics.CodeAnalysis;

namespace MarketFeed.Engine;

/// <summary>Throws from outside hot methods so they stay small and inlinable.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void SymbolIdOutOfRange(int symbolId, int count) =>
        throw new ArgumentOutOfRangeException(nameof(symbolId), symbolId, $"symbol id must be in 0..{count - 1}");

    [DoesNotReturn]
    public static void InvalidTickKind(byte kind) =>
        throw new ArgumentException($"tick kind {kind} is neither quote nor trade");

    [DoesNotReturn]
    public static void Disposed(string name) => throw new ObjectDisposedException(name);
}
