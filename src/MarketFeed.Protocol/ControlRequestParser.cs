using System.Globalization;
using System.Text.Json;
using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Parses control messages from MessagePack maps (binary frames) and JSON objects (text frames)
/// into <see cref="ControlRequest"/>. Every failure is a <see cref="ControlRequestException"/>
/// with code <see cref="ErrorCode.BadRequest"/> and a message that says what is wrong.
/// </summary>
public static class ControlRequestParser
{
    /// <summary>Most symbols accepted in one request.</summary>
    public const int MaxSymbolsPerRequest = 10_000;

    /// <summary>Parses a binary (MessagePack) control message.</summary>
    public static ControlRequest ParseMessagePack(ReadOnlyMemory<byte> payload)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                throw Bad("a control message must be a MessagePack map");
            }

            int n = reader.ReadMapHeader();
            for (int i = 0; i < n; i++)
            {
                if (reader.NextMessagePackType != MessagePackType.String)
                {
                    throw Bad("map keys must be strings");
                }

                string key = reader.ReadString()!;
                fields[key] = ReadValue(ref reader, depth: 0);
            }

            if (!reader.End)
            {
                throw Bad("trailing bytes after the control message map");
            }
        }
        catch (ControlRequestException ex) when (ex.RequestId == 0 && IdIfRead(fields) != 0)
        {
            throw new ControlRequestException(ex.Code, ex.Message, IdIfRead(fields));
        }
        catch (MessagePackSerializationException ex)
        {
            throw Bad("invalid MessagePack: " + ex.Message, IdIfRead(fields));
        }
        catch (EndOfStreamException)
        {
            throw Bad("invalid MessagePack: truncated", IdIfRead(fields));
        }
        catch (Exception ex) when (ex is ArgumentException or OverflowException or InvalidOperationException)
        {
            // E.g. a str32/bin32/map32 header claiming more bytes than the message holds (up to 4 GB).
            throw Bad("invalid MessagePack: a length or value does not fit the message", IdIfRead(fields));
        }

        return Build(fields);
    }

    /// <summary>Parses a text (JSON) control message.</summary>
    public static ControlRequest ParseJson(ReadOnlySpan<byte> utf8)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 8 });
            using var doc = JsonDocument.ParseValue(ref reader);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Bad("a control message must be a JSON object");
            }

            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                fields[prop.Name] = FromJson(prop.Value);
            }
        }
        catch (JsonException ex)
        {
            throw Bad("invalid JSON: " + ex.Message, IdIfRead(fields));
        }
        catch (InvalidOperationException)
        {
            // A key escaping an unpaired UTF-16 surrogate ("\ud800") cannot become a .NET string.
            throw Bad("invalid JSON: a string holds an unpaired UTF-16 surrogate", IdIfRead(fields));
        }

        return Build(fields);
    }

    /// <summary>
    /// Reads only the top-level integer <c>id</c> of a control message, for errors raised before
    /// (or instead of) a full parse: rate limiting, an oversized message (only its first bytes are
    /// kept), a message that fails to parse after its <c>id</c>. Works on a truncated prefix.
    /// </summary>
    /// <returns>The id, or 0 when there is none or it is not a 64-bit signed integer.</returns>
    public static long TryReadId(ReadOnlyMemory<byte> payload, bool text) => text ? TryReadJsonId(payload.Span) : TryReadMessagePackId(payload);

    private static long TryReadJsonId(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = 8 }));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isId = reader.ValueTextEquals("id"u8);
                if (isId)
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long id) ? id : 0;
                }

                if (!reader.TrySkip())
                {
                    return 0;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // Best effort on hostile input: anything unreadable means "no id".
        }

        return 0;
    }

    private static long TryReadMessagePackId(ReadOnlyMemory<byte> payload)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                return 0;
            }

            int n = reader.ReadMapHeader();
            for (int i = 0; i < n; i++)
            {
                if (reader.NextMessagePackType != MessagePackType.String)
                {
                    return 0;
                }

                bool isId = reader.ReadString() == "id";
                if (isId)
                {
                    return reader.NextMessagePackType == MessagePackType.Integer ? reader.ReadInt64() : 0;
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException or ArgumentException)
        {
            // Best effort on hostile input: anything unreadable means "no id".
        }

        return 0;
    }

    /// <summary>The request id when it was read before the failure, else 0.</summary>
    private static long IdIfRead(Dictionary<string, object?> fields) =>
        fields.TryGetValue("id", out object? id) && id is long l ? l : 0;

    private static ControlRequest Build(Dictionary<string, object?> f)
    {
        long id = 0;
        if (f.TryGetValue("id", out object? idValue) && idValue is not null)
        {
            id = idValue is long l ? l : throw Bad("'id' must be an integer from -2^63 to 2^63-1");
        }

        if (!f.TryGetValue("op", out object? opValue) || opValue is not string op || op.Length == 0)
        {
            throw Bad("missing 'op' (a string)", id);
        }

        try
        {
            return new ControlRequest
            {
                Op = op,
                Id = id,
                Symbols = Symbols(f),
                Mode = Mode(f),
                Throttle = Throttle(f),
                Snapshot = f.TryGetValue("snapshot", out object? snap) && snap is not null ? (snap is bool b ? b : throw Bad("'snapshot' must be a boolean")) : true,
                Time = OptionalTime(f, "time"),
                Match = OptionalString(f, "match"),
                Dataset = OptionalString(f, "dataset"),
                From = OptionalTime(f, "from"),
                To = OptionalTime(f, "to"),
                Speed = Speed(f),
                ReplayId = OptionalLong(f, "replayId"),
                SkipDamage = f.TryGetValue("skipDamage", out object? skip) && skip is not null && (skip is bool sd ? sd : throw Bad("'skipDamage' must be a boolean")),
                ContinueLive = f.TryGetValue("continueLive", out object? live) && live is not null && (live is bool cl ? cl : throw Bad("'continueLive' must be a boolean")),
                Epoch = OptionalLong(f, "epoch"),
                Resume = Resume(f),
                Symbol = OptionalString(f, "symbol"),
                Interval = OptionalString(f, "interval"),
                Bars = BarIntervals(f),
                Last = OptionalLong(f, "last") is { } last ? (last is >= 1 and <= int.MaxValue ? (int)last : throw Bad("'last' must be a positive integer")) : null,
            };
        }
        catch (ControlRequestException ex) when (ex.RequestId == 0 && id != 0)
        {
            throw new ControlRequestException(ex.Code, ex.Message, id);
        }
    }

    private static List<string>? Symbols(Dictionary<string, object?> f)
    {
        if (!f.TryGetValue("symbols", out object? value) || value is null)
        {
            return null;
        }

        // A bare string is refused (protocol change log, 2026-12): the contract is an array, and a
        // client that sends "AAPL" where ["AAPL"] is meant would also send "AAPL,MSFT".
        if (value is not List<object?> list)
        {
            throw Bad("'symbols' must be an array of strings (e.g. [\"AAPL\"]), not " + (value is string ? "a string" : "this type"));
        }

        if (list.Count > MaxSymbolsPerRequest)
        {
            throw Bad($"'symbols' holds {list.Count} entries; at most {MaxSymbolsPerRequest} per request");
        }

        var result = new List<string>(list.Count);
        foreach (object? item in list)
        {
            if (item is not string s || s.Length == 0 || s.Length > 64)
            {
                throw Bad("'symbols' must be an array of non-empty strings of at most 64 characters");
            }

            result.Add(s);
        }

        return result;
    }

    private static List<string>? BarIntervals(Dictionary<string, object?> f)
    {
        if (!f.TryGetValue("bars", out object? value) || value is null)
        {
            return null;
        }

        const string Shape = "'bars' must be an array of at most 8 bar intervals (e.g. [\"1m\"])";
        if (value is not List<object?> { Count: <= 8 } list)
        {
            throw Bad(Shape);
        }

        var result = new List<string>(list.Count);
        foreach (object? item in list)
        {
            if (item is not string s || s.Length is 0 or > 16)
            {
                throw Bad(Shape);
            }

            result.Add(s);
        }

        return result;
    }

    private static DeliveryMode? Mode(Dictionary<string, object?> f)
    {
        string? text = OptionalString(f, "mode");
        if (text is null)
        {
            return null;
        }

        return DeliveryModeNames.TryParse(text, out var mode) ? mode : throw Bad($"'mode' must be \"conflated\" or \"full\", not \"{text}\"");
    }

    private static Dictionary<string, long>? Resume(Dictionary<string, object?> f)
    {
        if (!f.TryGetValue("resume", out object? value) || value is null)
        {
            return null;
        }

        const string Shape = "'resume' must be an array of [symbol, lastSeq] pairs";
        if (value is not List<object?> pairs)
        {
            throw Bad(Shape);
        }

        var resume = new Dictionary<string, long>(pairs.Count, StringComparer.OrdinalIgnoreCase);
        foreach (object? item in pairs)
        {
            if (item is not List<object?> { Count: 2 } pair || pair[0] is not string name || pair[1] is not long seq || seq < 0)
            {
                throw Bad(Shape + " (seq >= 0)");
            }

            resume[name] = seq;
        }

        return resume;
    }

    private static int? Throttle(Dictionary<string, object?> f)
    {
        long? value = OptionalLong(f, "throttle");
        if (value is null)
        {
            return null;
        }

        return value is < 0 or > 1_000_000 ? throw Bad("'throttle' must be 0 (none) or a positive number of updates per second up to 1000000") : (int)value.Value;
    }

    private static double? Speed(Dictionary<string, object?> f)
    {
        if (!f.TryGetValue("speed", out object? value) || value is null)
        {
            return null;
        }

        double speed = value switch
        {
            long l => l,
            double d => d,
            string s when s.Equals("max", StringComparison.OrdinalIgnoreCase) => double.PositiveInfinity,
            string s when s.EndsWith('x') && double.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            _ => throw Bad("'speed' must be a positive number or \"max\""),
        };
        return speed > 0 && !double.IsNaN(speed) ? speed : throw Bad("'speed' must be a positive number or \"max\"");
    }

    private static string? OptionalString(Dictionary<string, object?> f, string key)
    {
        if (!f.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        return value as string ?? throw Bad($"'{key}' must be a string");
    }

    private static long? OptionalLong(Dictionary<string, object?> f, string key)
    {
        if (!f.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        return value switch
        {
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            _ => throw Bad($"'{key}' must be an integer from -2^63 to 2^63-1"),
        };
    }

    private static long? OptionalTime(Dictionary<string, object?> f, string key)
    {
        if (!f.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        return value switch
        {
            long l => l,
            string s when TimeText.TryParseIso(s, out long ns) => ns,
            _ => throw Bad($"'{key}' must be integer nanoseconds since the epoch or ISO-8601 text (2013-10-07, 2013-10-07T13:30:00Z, 2013-10-07T09:30:00.5-04:00)"),
        };
    }

    private static object? ReadValue(ref MessagePackReader reader, int depth)
    {
        if (depth > 4)
        {
            throw Bad("control message nested too deeply");
        }

        switch (reader.NextMessagePackType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                return null;
            case MessagePackType.Boolean:
                return reader.ReadBoolean();
            case MessagePackType.Integer:
                if (reader.NextCode == MessagePackCode.UInt64)
                {
                    ulong big = reader.ReadUInt64();
                    return big <= long.MaxValue ? (long)big : OutOfRange.Value;
                }

                return reader.ReadInt64();
            case MessagePackType.Float:
                return reader.ReadDouble();
            case MessagePackType.String:
                return reader.ReadString();
            case MessagePackType.Array:
            {
                int n = reader.ReadArrayHeader();
                if (n > MaxSymbolsPerRequest)
                {
                    throw Bad($"array of {n} entries; at most {MaxSymbolsPerRequest}");
                }

                var list = new List<object?>(n);
                for (int i = 0; i < n; i++)
                {
                    list.Add(ReadValue(ref reader, depth + 1));
                }

                return list;
            }

            case MessagePackType.Map:
            {
                // Walked with the depth limit, not Skip(): Skip recurses without one, and 64 KB of
                // nested maps would overflow the stack.
                int n = reader.ReadMapHeader();
                for (long i = 0; i < 2L * n; i++)
                {
                    ReadValue(ref reader, depth + 1);
                }

                return new object();
            }

            default:
                reader.Skip(); // bin, ext: flat
                return new object();
        }
    }

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => JsonString(e),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? l : e.TryGetDouble(out double d) ? d : OutOfRange.Value,
        JsonValueKind.Array => JsonArray(e),
        _ => new object(),
    };

    private static object? JsonString(JsonElement e)
    {
        try
        {
            return e.GetString();
        }
        catch (InvalidOperationException)
        {
            // "\ud800" alone: valid JSON text, but no valid UTF-16 string. The field is then of the wrong type.
            return new object();
        }
    }

    private static List<object?> JsonArray(JsonElement e)
    {
        int n = e.GetArrayLength();
        if (n > MaxSymbolsPerRequest)
        {
            throw Bad($"array of {n} entries; at most {MaxSymbolsPerRequest}");
        }

        var list = new List<object?>(n);
        foreach (var item in e.EnumerateArray())
        {
            list.Add(FromJson(item));
        }

        return list;
    }

    private static ControlRequestException Bad(string message, long id = 0) => new(ErrorCode.BadRequest, message, id);

    /// <summary>A MessagePack uint64 above <see cref="long.MaxValue"/>: no field takes it.</summary>
    private sealed class OutOfRange
    {
        public static readonly OutOfRange Value = new();
    }
}
