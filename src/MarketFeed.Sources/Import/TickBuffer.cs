using MarketFeed.Core;

namespace MarketFeed.Sources.Import;

/// <summary>A growable array of ticks (no per-tick allocation once grown).</summary>
public sealed class TickBuffer
{
    private Tick[] _items;

    /// <summary>Creates a buffer with an initial capacity.</summary>
    public TickBuffer(int capacity = 1024) => _items = new Tick[Math.Max(16, capacity)];

    /// <summary>Number of ticks.</summary>
    public int Count { get; private set; }

    /// <summary>The ticks.</summary>
    public Span<Tick> Span => _items.AsSpan(0, Count);

    /// <summary>Tick at <paramref name="index"/>.</summary>
    public ref Tick this[int index] => ref _items[index];

    /// <summary>Appends a tick.</summary>
    public void Add(in Tick tick)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = tick;
    }

    /// <summary>Removes all ticks (keeps capacity).</summary>
    public void Clear() => Count = 0;
}
