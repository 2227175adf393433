using System.Text.Json;
using MarketFeed.Core;

namespace MarketFeed.Sources.Recording;

/// <summary>
/// The recording's sequence state on disk (<c>{prefix}sequence-state.json</c> next to the tick
/// logs): written at a clean shutdown, when every tick up to it is in the logs; read and deleted at
/// the next start, which then continues the same epoch, every symbol's <c>seq</c> and the global
/// sequence. No file (never written, or consumed by a start that then crashed) means a new epoch.
/// </summary>
/// <remarks>
/// JSON, version 1: <c>{"version":1,"epoch":N,"globalSequence":N,"symbols":[{"symbol":"AAPL","seq":N,
/// "quoteSeq":N,"quoteTs":N,"bid":N,"bidSize":N,"ask":N,"askSize":N,"quoteFlags":N,"tradeSeq":N,
/// "tradeTs":N,"price":N,"size":N,"side":N,"tradeFlags":N,"cumVolume":N,"tradeCount":N}, ...]}</c>,
/// fixed-point integers in each symbol's scale. Symbols are matched by name; a symbol the file
/// lacks starts at 0.
/// </remarks>
public static class SequenceStateFile
{
    /// <summary>The file's path for a recording folder and file prefix.</summary>
    public static string PathFor(string directory, string filePrefix) => Path.Combine(directory, filePrefix + "sequence-state.json");

    /// <summary>Writes the state atomically (temporary file, flushed, renamed over).</summary>
    /// <param name="path">Target path.</param>
    /// <param name="state">The state; <see cref="SequenceState.Symbols"/> indexed like <paramref name="symbolNames"/>.</param>
    /// <param name="symbolNames">Symbol names by id.</param>
    public static void Save(string path, SequenceState state, IReadOnlyList<string> symbolNames)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(symbolNames);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteNumber("version", 1);
                w.WriteNumber("epoch", state.Epoch);
                w.WriteNumber("globalSequence", state.GlobalSequence);
                w.WriteStartArray("symbols");
                for (int id = 0; id < state.Symbols.Length; id++)
                {
                    ref readonly MarketSnapshot s = ref state.Symbols[id];
                    w.WriteStartObject();
                    w.WriteString("symbol", symbolNames[id]);
                    w.WriteNumber("seq", s.Sequence);
                    w.WriteNumber("quoteSeq", s.QuoteSequence);
                    w.WriteNumber("quoteTs", s.QuoteTimestamp);
                    w.WriteNumber("bid", s.BidPrice);
                    w.WriteNumber("bidSize", s.BidSize);
                    w.WriteNumber("ask", s.AskPrice);
                    w.WriteNumber("askSize", s.AskSize);
                    w.WriteNumber("quoteFlags", (int)s.QuoteFlags);
                    w.WriteNumber("tradeSeq", s.TradeSequence);
                    w.WriteNumber("tradeTs", s.TradeTimestamp);
                    w.WriteNumber("price", s.LastPrice);
                    w.WriteNumber("size", s.LastSize);
                    w.WriteNumber("side", (int)s.LastSide);
                    w.WriteNumber("tradeFlags", (int)s.TradeFlags);
                    w.WriteNumber("cumVolume", s.CumulativeVolume);
                    w.WriteNumber("tradeCount", s.TradeCount);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Reads the state for a universe (<paramref name="symbolNames"/> by id). Throws
    /// <see cref="InvalidDataException"/> if the file is not a valid state file.
    /// </summary>
    public static SequenceState Load(string path, IReadOnlyList<string> symbolNames)
    {
        ArgumentNullException.ThrowIfNull(symbolNames);
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            JsonElement root = doc.RootElement;
            if (root.GetProperty("version").GetInt32() != 1)
            {
                throw new InvalidDataException($"{path}: unsupported version");
            }

            long epoch = root.GetProperty("epoch").GetInt64();
            long global = root.GetProperty("globalSequence").GetInt64();
            if (epoch <= 0 || global < 0)
            {
                throw new InvalidDataException($"{path}: epoch must be positive and globalSequence >= 0");
            }

            var byName = new Dictionary<string, int>(symbolNames.Count, StringComparer.Ordinal);
            for (int i = 0; i < symbolNames.Count; i++)
            {
                byName[symbolNames[i]] = i;
            }

            var symbols = new MarketSnapshot[symbolNames.Count];
            foreach (JsonElement e in root.GetProperty("symbols").EnumerateArray())
            {
                if (!byName.TryGetValue(e.GetProperty("symbol").GetString() ?? string.Empty, out int id))
                {
                    continue; // no longer in the universe
                }

                symbols[id] = new MarketSnapshot
                {
                    SymbolId = id,
                    Sequence = e.GetProperty("seq").GetInt64(),
                    QuoteSequence = e.GetProperty("quoteSeq").GetInt64(),
                    QuoteTimestamp = e.GetProperty("quoteTs").GetInt64(),
                    BidPrice = e.GetProperty("bid").GetInt64(),
                    BidSize = e.GetProperty("bidSize").GetInt64(),
                    AskPrice = e.GetProperty("ask").GetInt64(),
                    AskSize = e.GetProperty("askSize").GetInt64(),
                    QuoteFlags = (TickFlags)e.GetProperty("quoteFlags").GetInt32(),
                    TradeSequence = e.GetProperty("tradeSeq").GetInt64(),
                    TradeTimestamp = e.GetProperty("tradeTs").GetInt64(),
                    LastPrice = e.GetProperty("price").GetInt64(),
                    LastSize = e.GetProperty("size").GetInt64(),
                    LastSide = (TradeSide)e.GetProperty("side").GetInt32(),
                    TradeFlags = (TickFlags)e.GetProperty("tradeFlags").GetInt32(),
                    CumulativeVolume = e.GetProperty("cumVolume").GetInt64(),
                    TradeCount = e.GetProperty("tradeCount").GetInt64(),
                };
            }

            for (int id = 0; id < symbols.Length; id++)
            {
                symbols[id].SymbolId = id;
            }

            return new SequenceState(epoch, global, symbols);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a valid sequence state file ({ex.Message})", ex);
        }
    }
}
