using MarketFeed.Core.Bars;
using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Bars;

/// <summary>
/// One connection's live bar updates for one feed (the live feed, or a replay session's): which
/// symbols asked for which intervals, what was last sent of each, and which symbols were updated
/// in the frame being built.
/// </summary>
/// <remarks>
/// <para>
/// Conflated, like the updates they ride with: while the connection's sender drains the feed's
/// subscriber, every quote, trade or snapshot it hands on for a symbol with bars <see cref="Touch"/>es
/// the symbol (a dictionary lookup and a flag; nothing is written). When the frame's data is in,
/// <see cref="Flush"/> appends, per touched symbol and interval, the newest bar if it differs from
/// the one last sent, preceded by the final state of the previous bar (closed) when a new bar began
/// since. So a symbol gets at most one update per interval per frame, and a throttled subscription's
/// bars follow its throttle.
/// </para>
/// <para>
/// The store is written before the engine publishes a tick's state (the engine calls observers
/// first), so the bar read at the end of a frame includes every tick handed on in it: once a symbol
/// is quiet, its last bar update equals the store's bar.
/// </para>
/// <para>
/// Not thread-safe: the owner (a connection) calls every member under its own lock. No allocation
/// per tick or per frame once the symbols are added.
/// </para>
/// </remarks>
public sealed class BarSubscriptions(LiveBarStore store, int symbolIdOffset = 0)
{
    private readonly Dictionary<int, int> _entryBySymbol = [];
    private readonly Stack<int> _free = new();
    private Entry[] _entries = new Entry[4];
    private Sent[] _sent = new Sent[4 * Math.Max(1, store.Intervals.Count)];
    private int[] _pending = new int[4];
    private int _pendingCount;
    private int _used;

    /// <summary>The store the bars come from.</summary>
    public LiveBarStore Store => store;

    /// <summary>Symbols with bar updates.</summary>
    public int Count => _entryBySymbol.Count;

    /// <summary>True while some symbol waits for its bar updates to be written.</summary>
    public bool HasPending => _pendingCount > 0;

    /// <summary>
    /// Sends bar updates of <paramref name="symbolId"/> (a store id) for the intervals in
    /// <paramref name="intervalMask"/> (bit i = the store's interval i), replacing what the symbol had;
    /// a mask of 0 removes it. The newest bar goes out with the next frame.
    /// </summary>
    public void Set(int symbolId, uint intervalMask)
    {
        if (intervalMask == 0)
        {
            Remove(symbolId);
            return;
        }

        if (!_entryBySymbol.TryGetValue(symbolId, out int index))
        {
            index = Allocate();
            _entryBySymbol[symbolId] = index;
        }

        ref Entry e = ref _entries[index];
        e.SymbolId = symbolId;
        e.Mask = intervalMask;
        int k = store.Intervals.Count;
        Array.Clear(_sent, index * k, k);
        MarkPending(index);
    }

    /// <summary>Stops the bar updates of a symbol. False if it had none.</summary>
    public bool Remove(int symbolId)
    {
        if (!_entryBySymbol.Remove(symbolId, out int index))
        {
            return false;
        }

        ref Entry e = ref _entries[index];
        e.SymbolId = -1;
        e.Mask = 0;
        if (e.Pending)
        {
            e.Pending = false;
            int at = Array.IndexOf(_pending, index, 0, _pendingCount);
            _pending[at] = _pending[--_pendingCount];
        }

        _free.Push(index);
        return true;
    }

    /// <summary>Stops every bar update.</summary>
    public void Clear()
    {
        foreach (int symbolId in _entryBySymbol.Keys.ToArray())
        {
            Remove(symbolId);
        }
    }

    /// <summary>Per handed-on update: notes that the symbol's bars may have changed. No allocation.</summary>
    public void Touch(int symbolId)
    {
        if (_entryBySymbol.Count == 0 || !_entryBySymbol.TryGetValue(symbolId, out int index))
        {
            return;
        }

        MarkPending(index);
    }

    /// <summary>
    /// Appends the bar updates of every touched symbol to <paramref name="frame"/> (see remarks).
    /// Returns the number of messages written.
    /// </summary>
    public int Flush(FrameBuilder frame)
    {
        int written = 0;
        int k = store.Intervals.Count;
        for (int p = 0; p < _pendingCount; p++)
        {
            int index = _pending[p];
            ref Entry e = ref _entries[index];
            e.Pending = false;
            if (e.SymbolId < 0)
            {
                continue;
            }

            uint mask = e.Mask;
            while (mask != 0)
            {
                int interval = System.Numerics.BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
                int held = store.TryReadNewest(e.SymbolId, interval, out Bar newest, out Bar previous);
                if (held == 0)
                {
                    continue;
                }

                ref Sent sent = ref _sent[(index * k) + interval];
                if (sent.Any && newest.Start != sent.Bar.Start)
                {
                    // A new bar began since the last update: the final state of the one before it
                    // (normally the bar last sent; a conflated client may have missed a whole bar).
                    if (held == 2 && previous.Start >= sent.Bar.Start)
                    {
                        Write(frame, e.SymbolId, interval, previous, closed: true);
                        written++;
                    }
                }
                else if (sent.Any && Same(newest, sent.Bar))
                {
                    continue;
                }

                Write(frame, e.SymbolId, interval, newest, closed: false);
                sent.Bar = newest;
                sent.Any = true;
                written++;
            }
        }

        _pendingCount = 0;
        return written;
    }

    private static bool Same(in Bar a, in Bar b) =>
        a.Start == b.Start && a.Open == b.Open && a.High == b.High && a.Low == b.Low && a.Close == b.Close
        && a.Volume == b.Volume && a.Count == b.Count && a.Basis == b.Basis;

    private void Write(FrameBuilder frame, int symbolId, int interval, in Bar bar, bool closed)
    {
        frame.Add(
            new BarMessage(symbolId + symbolIdOffset, store.NameOf(interval), bar, closed),
            static (ref w, m) => MessageEncoder.WriteBarUpdate(ref w, m.SymbolId, m.Interval, m.Bar, m.Closed));
    }

    private void MarkPending(int index)
    {
        ref Entry e = ref _entries[index];
        if (e.Pending)
        {
            return;
        }

        e.Pending = true;
        _pending[_pendingCount++] = index;
    }

    private int Allocate()
    {
        if (_free.TryPop(out int index))
        {
            return index;
        }

        if (_used == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
            Array.Resize(ref _sent, _entries.Length * Math.Max(1, store.Intervals.Count));
            Array.Resize(ref _pending, _entries.Length);
        }

        return _used++;
    }

    private struct Entry
    {
        public int SymbolId;
        public uint Mask;
        public bool Pending;
    }

    private struct Sent
    {
        public Bar Bar;
        public bool Any;
    }

    private readonly record struct BarMessage(int SymbolId, string Interval, Bar Bar, bool Closed);
}
