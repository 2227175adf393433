using MarketFeed.Core;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Replay;

/// <summary>
/// Yields the ticks of one dataset (tick log) for a set of symbols and a time window
/// [<see cref="From"/>, <see cref="To"/>], in file order (time order for logs written by the
/// importers and the recorder), starting from a seek position found through the block index.
/// Ticks keep their log symbol ids (index into <see cref="LogSymbols"/>), original timestamps and
/// per-symbol sequence numbers. The same request always yields the same ticks in the same order.
/// </summary>
/// <remarks>
/// Not thread-safe: one consumer (a replay session) owns a cursor. <see cref="TryGetNext"/> does
/// not allocate (blocks are decoded into a reused buffer). Damage inside the replayed range (a
/// block that fails its checks, a corrupt region or torn tail between blocks, a file changed under
/// the cursor) ends the cursor there with <see cref="StoppedAtDamage"/> set, unless
/// <see cref="SkipDamage"/> is on: then the damaged part is skipped and listed in
/// <see cref="DamageMet"/>. Either way the caller can tell the ticks it got from the ticks written.
/// </remarks>
public sealed class ReplayCursor : IDisposable
{
    private readonly TickLogReader _reader;
    private readonly bool[] _selected;
    private readonly long[] _suffixMinTimestamp;
    private readonly List<TickLogDamage> _damageMet = [];
    private Tick[] _buffer = new Tick[4096];
    private int _block = -1;
    private int _count;
    private int _pos;
    private long _lowerBound;
    private bool _hasPeeked;
    private bool _exhausted;
    private Tick _peeked;

    private ReplayCursor(TickLogReader reader, bool[] selected, IReadOnlyList<TickLogSymbol> symbols, long from, long to)
    {
        _reader = reader;
        _selected = selected;
        Symbols = symbols;
        From = from;
        To = to;
        var blocks = reader.Blocks;
        _suffixMinTimestamp = new long[blocks.Count + 1];
        _suffixMinTimestamp[blocks.Count] = long.MaxValue;
        for (int i = blocks.Count - 1; i >= 0; i--)
        {
            _suffixMinTimestamp[i] = Math.Min(_suffixMinTimestamp[i + 1], blocks[i].MinTimestamp);
        }

        Seek(from);
    }

    /// <summary>The full symbol table of the log (tick symbol ids index it).</summary>
    public IReadOnlyList<TickLogSymbol> LogSymbols => _reader.Symbols;

    /// <summary>The selected symbols, in log id order.</summary>
    public IReadOnlyList<TickLogSymbol> Symbols { get; }

    /// <summary>Window start, ns (inclusive).</summary>
    public long From { get; }

    /// <summary>Window end, ns (inclusive).</summary>
    public long To { get; }

    /// <summary>Timestamp of the first tick of the dataset (0 if empty).</summary>
    public long DatasetFrom => _reader.FirstTimestamp;

    /// <summary>Timestamp of the last tick of the dataset (0 if empty).</summary>
    public long DatasetTo => _reader.LastTimestamp;

    /// <summary>Damage met so far (skipped blocks).</summary>
    public IReadOnlyList<TickLogDamage> Damage => _reader.Damage;

    /// <summary>
    /// Skip damaged parts of the replayed range instead of ending there (default false: the cursor
    /// ends at the first damage and sets <see cref="StoppedAtDamage"/>).
    /// </summary>
    public bool SkipDamage { get; set; }

    /// <summary>True if the cursor ended because the next part of the range is damaged (not the end of the range).</summary>
    public bool StoppedAtDamage { get; private set; }

    /// <summary>Damage met inside the replayed range so far (the one stopped at, or every one skipped).</summary>
    public IReadOnlyList<TickLogDamage> DamageMet => _damageMet;

    /// <summary>Ticks returned by <see cref="TryGetNext"/> so far.</summary>
    public long TicksRead { get; private set; }

    /// <summary>
    /// Opens a cursor. <paramref name="symbols"/> null or empty = all symbols of the log.
    /// Throws <see cref="ArgumentException"/> listing names the log does not hold.
    /// </summary>
    public static ReplayCursor Open(string path, IReadOnlyCollection<string>? symbols = null, long from = long.MinValue, long to = long.MaxValue)
    {
        var reader = TickLogReader.Open(path);
        try
        {
            var logSymbols = reader.Symbols;
            bool[] selected = new bool[logSymbols.Count];
            var chosen = new List<TickLogSymbol>();
            if (symbols is null || symbols.Count == 0)
            {
                Array.Fill(selected, true);
                chosen.AddRange(logSymbols);
            }
            else
            {
                var missing = new List<string>();
                foreach (string name in symbols)
                {
                    int id = IndexOf(logSymbols, name);
                    if (id < 0)
                    {
                        missing.Add(name);
                    }
                    else
                    {
                        selected[id] = true;
                    }
                }

                if (missing.Count > 0)
                {
                    throw new ArgumentException($"dataset {Path.GetFileNameWithoutExtension(path)} has no symbol(s): {string.Join(", ", missing)}", nameof(symbols));
                }

                for (int i = 0; i < logSymbols.Count; i++)
                {
                    if (selected[i])
                    {
                        chosen.Add(logSymbols[i]);
                    }
                }
            }

            return new ReplayCursor(reader, selected, chosen, from, to);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Index of a symbol in a log's table (case-insensitive), or -1.</summary>
    public static int IndexOf(IReadOnlyList<TickLogSymbol> symbols, string name)
    {
        for (int i = 0; i < symbols.Count; i++)
        {
            if (string.Equals(symbols[i].Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True if ticks of this log symbol id are yielded.</summary>
    public bool IsSelected(int symbolId) => (uint)symbolId < (uint)_selected.Length && _selected[symbolId];

    /// <summary>
    /// Positions the cursor so the next tick is the first selected tick with timestamp &gt;=
    /// max(<paramref name="timestamp"/>, <see cref="From"/>). Uses the block index: only the block
    /// holding that point is decoded.
    /// </summary>
    public void Seek(long timestamp)
    {
        _lowerBound = Math.Max(timestamp, From);
        _block = _reader.FindFirstBlock(_lowerBound) - 1;
        _count = 0;
        _pos = 0;
        _hasPeeked = false;
        StoppedAtDamage = false;
        _exhausted = false;
    }

    /// <summary>Looks at the next tick without consuming it.</summary>
    public bool TryPeek(out Tick tick)
    {
        if (!_hasPeeked)
        {
            if (!TryAdvance(out _peeked))
            {
                tick = default;
                return false;
            }

            _hasPeeked = true;
        }

        tick = _peeked;
        return true;
    }

    /// <summary>Returns the next tick of the window and symbol set, or false at the end.</summary>
    public bool TryGetNext(out Tick tick)
    {
        if (_hasPeeked)
        {
            _hasPeeked = false;
            tick = _peeked;
            TicksRead++;
            return true;
        }

        if (TryAdvance(out tick))
        {
            TicksRead++;
            return true;
        }

        return false;
    }

    /// <summary>
    /// The state of each selected symbol after every tick before <paramref name="timestamp"/>
    /// (what a snapshot after a seek carries), indexed by log symbol id; entries of unselected
    /// symbols stay empty. Reads the log from its start up to that point (not the hot path).
    /// </summary>
    public MarketSnapshot[] BuildSnapshots(long timestamp)
    {
        var states = new MarketSnapshot[_selected.Length];
        for (int i = 0; i < states.Length; i++)
        {
            states[i].SymbolId = i;
        }

        var buffer = new Tick[4096];
        var blocks = _reader.Blocks;
        for (int b = 0; b < blocks.Count && blocks[b].MinTimestamp < timestamp; b++)
        {
            if (!_reader.TryReadBlock(b, ref buffer, out int count))
            {
                continue;
            }

            for (int i = 0; i < count; i++)
            {
                ref readonly Tick t = ref buffer[i];
                if (t.Timestamp < timestamp && _selected[t.SymbolId])
                {
                    states[t.SymbolId].Apply(t);
                }
            }
        }

        return states;
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();

    private bool TryAdvance(out Tick tick)
    {
        while (true)
        {
            while (_pos < _count)
            {
                ref readonly Tick t = ref _buffer[_pos++];
                if (t.Timestamp >= _lowerBound && t.Timestamp <= To && _selected[t.SymbolId])
                {
                    tick = t;
                    return true;
                }
            }

            if (!LoadNextBlock())
            {
                tick = default;
                return false;
            }
        }
    }

    private bool LoadNextBlock()
    {
        if (StoppedAtDamage || _exhausted)
        {
            return false;
        }

        var blocks = _reader.Blocks;
        while (++_block < blocks.Count)
        {
            // Every remaining block starts after the window: done, unless ticks lost just before
            // this block could have been inside the window.
            if (_suffixMinTimestamp[_block] > To)
            {
                if (GapMet(_block))
                {
                    return false;
                }

                _exhausted = true;
                _count = 0;
                _pos = 0;
                return false;
            }

            if (GapMet(_block))
            {
                return false;
            }

            if (_reader.TryReadBlock(_block, ref _buffer, out _count))
            {
                _pos = 0;
                return true;
            }

            var info = blocks[_block];
            if (info.MaxTimestamp >= _lowerBound && info.MinTimestamp <= To && Met(_reader.DamageAt(_block)))
            {
                return false;
            }
        }

        _exhausted = true;
        _count = 0;
        _pos = 0;
        GapMet(blocks.Count); // a torn tail after the last block
        return false;
    }

    /// <summary>
    /// Damage between block <paramref name="index"/> - 1 and <paramref name="index"/>: in the range
    /// unless the block before it already ends after the window (a time-ordered log then holds only
    /// later ticks in the gap). Returns true if the cursor must stop.
    /// </summary>
    private bool GapMet(int index)
    {
        var damage = _reader.DamageBefore(index);
        if (damage is null || (index > 0 && _reader.Blocks[index - 1].MaxTimestamp > To))
        {
            return false;
        }

        return Met(damage);
    }

    private bool Met(TickLogDamage? damage)
    {
        if (damage is null)
        {
            return false;
        }

        if (!_damageMet.Contains(damage))
        {
            _damageMet.Add(damage);
        }

        if (SkipDamage)
        {
            return false;
        }

        StoppedAtDamage = true;
        _count = 0;
        _pos = 0;
        return true;
    }
}
