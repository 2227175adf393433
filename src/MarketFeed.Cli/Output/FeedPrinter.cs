using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using Spectre.Console;

namespace MarketFeed.Cli.Output;

/// <summary>
/// Prints decoded feed messages for a person (aligned text, decimal prices from the ack's scales, UTC times)
/// or as JSON lines (<c>--json</c>). Symbol names and scales come from the client's id map.
/// </summary>
/// <remarks>Used from one thread (the command's read loop).</remarks>
internal sealed class FeedPrinter
{
    private readonly ArrayBufferWriter<byte> _jsonBuffer = new(512);
    private readonly Stream _stdout = Console.OpenStandardOutput();
    private readonly MarketFeedClient _client;
    private readonly bool _json;
    private readonly bool _showHeartbeats;

    /// <summary>Creates a printer for <paramref name="client"/>'s messages.</summary>
    public FeedPrinter(MarketFeedClient client, bool json, bool showHeartbeats)
    {
        _client = client;
        _json = json;
        _showHeartbeats = showHeartbeats;
        ConsoleWidth.AvoidWrapping();
    }

    /// <summary>Prints one message (heartbeats and pongs only when asked for).</summary>
    public void Print(ServerMessage message)
    {
        if (!_showHeartbeats && message is HeartbeatMessage or PongMessage)
        {
            return;
        }

        if (_json)
        {
            PrintJson(message);
        }
        else
        {
            PrintText(message);
        }
    }

    private void PrintText(ServerMessage message)
    {
        switch (message)
        {
            case QuoteMessage q:
            {
                var (name, pd, sd) = Scales(q.SymbolId);
                Console.Out.WriteLine($"{UnixTime.Format(q.Timestamp)}  {name,-10} #{q.Sequence,-9} QUOTE  {Px(q.BidPrice, pd),14} x {Px(q.BidSize, sd),-10} / {Px(q.AskPrice, pd),14} x {Px(q.AskSize, sd)}{FlagText(q.Flags)}");
                break;
            }

            case TradeMessage t:
            {
                var (name, pd, sd) = Scales(t.SymbolId);
                Console.Out.WriteLine($"{UnixTime.Format(t.Timestamp)}  {name,-10} #{t.Sequence,-9} TRADE  {Px(t.Price, pd),14} x {Px(t.Size, sd),-10} {Side(t.Side),-4}  volume {Px(t.CumulativeVolume, sd)} in {t.TradeCount.ToString(CultureInfo.InvariantCulture)} trades{FlagText(t.Flags)}");
                break;
            }

            case SnapshotMessage s:
            {
                var st = s.State;
                var (name, pd, sd) = Scales(st.SymbolId);
                string quote = st.QuoteSequence == 0 ? "no quote yet" : $"{Px(st.BidPrice, pd)} x {Px(st.BidSize, sd)} / {Px(st.AskPrice, pd)} x {Px(st.AskSize, sd)}";
                string trade = st.TradeSequence == 0 ? "no trade yet" : $"last {Px(st.LastPrice, pd)} x {Px(st.LastSize, sd)}, volume {Px(st.CumulativeVolume, sd)} in {st.TradeCount.ToString(CultureInfo.InvariantCulture)} trades";
                string time = st.QuoteTimestamp == 0 && st.TradeTimestamp == 0 ? "-" : UnixTime.Format(Math.Max(st.QuoteTimestamp, st.TradeTimestamp));
                Markup($"[bold]{Esc(time)}  {Esc(name),-10} #{st.Sequence,-9} SNAPSHOT[/] {Esc(quote)}; {Esc(trade)}");
                break;
            }

            case SubscribeAckMessage ack:
                Markup($"[green]subscribed[/] {ack.Mode.Name()}{(ack.Throttle > 0 ? $", max {ack.Throttle}/s per symbol" : string.Empty)}: {Esc(string.Join(", ", ack.Symbols.Select(s => s.Symbol)))}");
                break;
            case UnsubscribeAckMessage unsub:
                Markup($"[green]unsubscribed[/] {Esc(string.Join(", ", unsub.Symbols))}");
                break;
            case SequenceGapMessage gap:
                Markup(gap.Anomaly == SequenceAnomaly.Gap
                    ? $"[yellow]GAP[/] {Esc(gap.Symbol ?? "#" + gap.SymbolId)} ({gap.Mode.Name()}): expected #{gap.ExpectedSequence}, got #{gap.ReceivedSequence} ({gap.MissedTicks} missed){(gap.Resubscribed ? "; resubscribing for a fresh snapshot" : string.Empty)}"
                    : $"[yellow]OUT OF ORDER[/] {Esc(gap.Symbol ?? "#" + gap.SymbolId)} ({gap.Mode.Name()}): got #{gap.ReceivedSequence} after #{gap.ExpectedSequence}; ignored");
                break;
            case ErrorMessage error:
                Markup($"[red]error {error.Code} {Esc(error.CodeName)}[/]: {Esc(error.Message)}{(error.Symbol is null ? string.Empty : " (" + Esc(error.Symbol) + ")")}");
                break;
            case StatusMessage status:
                Markup($"[blue]status {Esc(status.State)}[/] {Esc(string.Join(" ", status.Details.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture))))}");
                break;
            case SubscriptionsResumedMessage resumed:
                Markup($"[green]resumed[/] recovered: {Esc(resumed.Recovered.Count == 0 ? "-" : string.Join(" ", resumed.Recovered))}; [yellow]not recovered (snapshot)[/]: {Esc(resumed.NotRecovered.Count == 0 ? "-" : string.Join(" ", resumed.NotRecovered))}");
                break;
            case ConnectionStateMessage state:
                Markup(state.State switch
                {
                    ConnectionState.Connected => $"[green]connected[/] to {Esc(_client.CurrentUri.ToString())}",
                    ConnectionState.Reconnecting => $"[yellow]connection lost[/] ({Esc(state.LastDisconnect?.ToString() ?? "unknown")}); reconnecting",
                    ConnectionState.Closed => $"[red]connection closed[/] ({Esc(state.LastDisconnect?.ToString() ?? "by client")})",
                    _ => $"[grey]{state.State.ToString().ToLowerInvariant()}[/]",
                });
                break;
            case MessagesDroppedMessage dropped:
                Markup($"[yellow]{dropped.Count} messages dropped[/] (output too slow; {dropped.TotalDropped} in total)");
                break;
            case HeartbeatMessage hb:
                Markup($"[grey]heartbeat {Esc(UnixTime.Format(hb.ServerTime))}[/]");
                break;
            case ReplayStartMessage start:
                Markup($"[blue]replay {start.ReplayId} started[/]: {Esc(start.Dataset)} {Esc(UnixTime.Format(start.From))} .. {Esc(UnixTime.Format(start.To))} at {Esc(start.Speed)}, {start.Mode.Name()}");
                break;
            case ReplayEndMessage end:
                Markup($"[blue]replay {end.ReplayId} ended[/]: {Esc(end.Reason)}, {end.TicksSent} ticks");
                break;
            case ReplayStatusMessage rs:
                Markup($"[blue]replay {rs.ReplayId} {Esc(rs.State)}[/] at {Esc(rs.Speed)}, position {Esc(UnixTime.Format(rs.Position))}");
                break;
            default:
                Markup($"[grey]{Esc(message.ToString())}[/]");
                break;
        }
    }

    private void PrintJson(ServerMessage message)
    {
        _jsonBuffer.Clear();
        using (var w = new Utf8JsonWriter(_jsonBuffer))
        {
            w.WriteStartObject();
            switch (message)
            {
                case QuoteMessage q:
                {
                    var (name, pd, sd) = Scales(q.SymbolId);
                    Head(w, "quote", name, q.SymbolId, q.Sequence, q.Timestamp);
                    Num(w, "bid", q.BidPrice, pd);
                    Num(w, "bidSize", q.BidSize, sd);
                    Num(w, "ask", q.AskPrice, pd);
                    Num(w, "askSize", q.AskSize, sd);
                    w.WriteNumber("flags", (int)q.Flags);
                    break;
                }

                case TradeMessage t:
                {
                    var (name, pd, sd) = Scales(t.SymbolId);
                    Head(w, "trade", name, t.SymbolId, t.Sequence, t.Timestamp);
                    Num(w, "price", t.Price, pd);
                    Num(w, "size", t.Size, sd);
                    w.WriteString("side", Side(t.Side).ToLowerInvariant());
                    Num(w, "cumVolume", t.CumulativeVolume, sd);
                    w.WriteNumber("tradeCount", t.TradeCount);
                    w.WriteNumber("flags", (int)t.Flags);
                    break;
                }

                case SnapshotMessage s:
                {
                    var st = s.State;
                    var (name, pd, sd) = Scales(st.SymbolId);
                    Head(w, "snapshot", name, st.SymbolId, st.Sequence, Math.Max(st.QuoteTimestamp, st.TradeTimestamp));
                    w.WriteNumber("quoteSeq", st.QuoteSequence);
                    Num(w, "bid", st.BidPrice, pd);
                    Num(w, "bidSize", st.BidSize, sd);
                    Num(w, "ask", st.AskPrice, pd);
                    Num(w, "askSize", st.AskSize, sd);
                    w.WriteNumber("tradeSeq", st.TradeSequence);
                    Num(w, "last", st.LastPrice, pd);
                    Num(w, "lastSize", st.LastSize, sd);
                    Num(w, "cumVolume", st.CumulativeVolume, sd);
                    w.WriteNumber("tradeCount", st.TradeCount);
                    break;
                }

                case SequenceGapMessage gap:
                    w.WriteString("type", gap.Anomaly == SequenceAnomaly.Gap ? "gap" : "out_of_order");
                    w.WriteString("symbol", gap.Symbol);
                    w.WriteString("mode", gap.Mode.Name());
                    w.WriteNumber("expectedSeq", gap.ExpectedSequence);
                    w.WriteNumber("receivedSeq", gap.ReceivedSequence);
                    w.WriteBoolean("resubscribed", gap.Resubscribed);
                    break;
                case ErrorMessage error:
                    w.WriteString("type", "error");
                    w.WriteNumber("code", error.Code);
                    w.WriteString("codeName", error.CodeName);
                    w.WriteString("message", error.Message);
                    w.WriteString("symbol", error.Symbol);
                    break;
                case SubscriptionsResumedMessage resumed:
                    w.WriteString("type", "resumed");
                    w.WriteString("url", _client.CurrentUri.ToString());
                    w.WriteStartArray("recovered");
                    foreach (string symbol in resumed.Recovered)
                    {
                        w.WriteStringValue(symbol);
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("notRecovered");
                    foreach (string symbol in resumed.NotRecovered)
                    {
                        w.WriteStringValue(symbol);
                    }

                    w.WriteEndArray();
                    break;
                case ConnectionStateMessage state:
                    w.WriteString("type", "connection");
                    w.WriteString("state", state.State.ToString().ToLowerInvariant());
                    if (state.LastDisconnect is { } last)
                    {
                        w.WriteString("lastDisconnect", last.ToString());
                        if (last.CloseCode is { } code)
                        {
                            w.WriteNumber("closeCode", code);
                        }
                    }

                    break;
                case SubscribeAckMessage ack:
                    w.WriteString("type", "subscribed");
                    w.WriteNumber("requestId", ack.RequestId);
                    w.WriteString("mode", ack.Mode.Name());
                    w.WriteNumber("throttle", ack.Throttle);
                    w.WriteStartArray("symbols");
                    foreach (var symbol in ack.Symbols)
                    {
                        w.WriteStartObject();
                        w.WriteString("symbol", symbol.Symbol);
                        w.WriteNumber("symbolId", symbol.SymbolId);
                        w.WriteNumber("priceDecimals", symbol.PriceDecimals);
                        w.WriteNumber("sizeDecimals", symbol.SizeDecimals);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    break;
                case HeartbeatMessage hb:
                    w.WriteString("type", "heartbeat");
                    w.WriteString("serverTime", UnixTime.Format(hb.ServerTime));
                    break;
                case MessagesDroppedMessage dropped:
                    w.WriteString("type", "dropped");
                    w.WriteNumber("count", dropped.Count);
                    w.WriteNumber("total", dropped.TotalDropped);
                    break;
                case StatusMessage status:
                    w.WriteString("type", "status");
                    w.WriteString("state", status.State);
                    w.WriteString("details", string.Join(" ", status.Details.Select(kv => kv.Key + "=" + Convert.ToString(kv.Value, CultureInfo.InvariantCulture))));
                    break;
                default:
                    w.WriteString("type", message.GetType().Name.Replace("Message", string.Empty, StringComparison.Ordinal).ToLowerInvariant());
                    w.WriteString("text", message.ToString());
                    break;
            }

            w.WriteEndObject();
        }

        _stdout.Write(_jsonBuffer.WrittenSpan);
        _stdout.WriteByte((byte)'\n');
        _stdout.Flush();
    }

    private static void Head(Utf8JsonWriter w, string type, string name, int symbolId, long seq, long timestamp)
    {
        w.WriteString("type", type);
        w.WriteString("symbol", name);
        w.WriteNumber("symbolId", symbolId);
        w.WriteNumber("seq", seq);
        w.WriteString("time", UnixTime.Format(timestamp));
        w.WriteNumber("ts", timestamp);
    }

    private static void Num(Utf8JsonWriter w, string name, long value, int decimals)
    {
        w.WritePropertyName(name);
        w.WriteRawValue(Encoding.UTF8.GetBytes(FixedPoint.Format(value, decimals)), skipInputValidation: true);
    }

    private (string Name, int PriceDecimals, int SizeDecimals) Scales(int symbolId) =>
        _client.TryGetSymbol(symbolId, out var symbol)
            ? (symbol.Symbol, symbol.PriceDecimals, symbol.SizeDecimals)
            : ("#" + symbolId.ToString(CultureInfo.InvariantCulture), 0, 0);

    private static string Px(long value, int decimals) => FixedPoint.Format(value, decimals);

    private static string FlagText(TickFlags flags) => flags switch
    {
        TickFlags.None => string.Empty,
        TickFlags.Suspicious => "  [SUSPICIOUS]",
        TickFlags.SizeUnknown => "  [size unknown]",
        TickFlags.Suspicious | TickFlags.SizeUnknown => "  [SUSPICIOUS, size unknown]",
        _ => "  [flags " + ((int)flags).ToString(CultureInfo.InvariantCulture) + "]",
    };

    private static string Side(TradeSide side) => side switch
    {
        TradeSide.Buy => "BUY",
        TradeSide.Sell => "SELL",
        _ => "?",
    };

    private static string Esc(string text) => Spectre.Console.Markup.Escape(text);

    private static void Markup(string markup) => AnsiConsole.MarkupLine(markup);
}
