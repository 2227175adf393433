using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>Writes a <see cref="ControlRequest"/> as a MessagePack map (client side).</summary>
public static class ControlRequestWriter
{
    /// <summary>Encodes the request as a MessagePack map with only the fields that are set.</summary>
    public static byte[] ToMessagePack(ControlRequest request)
    {
        var fields = new List<(string Key, object Value)> { ("op", request.Op) };
        if (request.Id != 0)
        {
            fields.Add(("id", request.Id));
        }

        if (request.Symbols is not null)
        {
            fields.Add(("symbols", request.Symbols));
        }

        if (request.Mode is { } mode)
        {
            fields.Add(("mode", mode.Name()));
        }

        if (request.Throttle is { } throttle)
        {
            fields.Add(("throttle", (long)throttle));
        }

        if (!request.Snapshot)
        {
            fields.Add(("snapshot", false));
        }

        AddLong(fields, "epoch", request.Epoch);
        if (request.Resume is not null)
        {
            fields.Add(("resume", request.Resume));
        }

        AddLong(fields, "time", request.Time);
        AddString(fields, "match", request.Match);
        AddString(fields, "dataset", request.Dataset);
        AddLong(fields, "from", request.From);
        AddLong(fields, "to", request.To);
        AddLong(fields, "replayId", request.ReplayId);
        if (request.SkipDamage)
        {
            fields.Add(("skipDamage", true));
        }

        if (request.ContinueLive)
        {
            fields.Add(("continueLive", true));
        }

        AddString(fields, "symbol", request.Symbol);
        AddString(fields, "interval", request.Interval);
        AddLong(fields, "last", request.Last);
        if (request.Bars is not null)
        {
            fields.Add(("bars", request.Bars));
        }
        if (request.Speed is { } speed)
        {
            fields.Add(("speed", double.IsPositiveInfinity(speed) ? "max" : speed));
        }

        var buffer = new PooledBufferWriter(256);
        try
        {
            var writer = new MessagePackWriter(buffer);
            writer.WriteMapHeader(fields.Count);
            foreach (var (key, value) in fields)
            {
                writer.Write(key);
                switch (value)
                {
                    case string s: writer.Write(s); break;
                    case long l: writer.Write(l); break;
                    case double d: writer.Write(d); break;
                    case bool b: writer.Write(b); break;
                    case IReadOnlyList<string> list:
                        writer.WriteArrayHeader(list.Count);
                        foreach (string item in list)
                        {
                            writer.Write(item);
                        }

                        break;
                    case IReadOnlyDictionary<string, long> resume:
                        writer.WriteArrayHeader(resume.Count);
                        foreach (var (symbol, seq) in resume)
                        {
                            writer.WriteArrayHeader(2);
                            writer.Write(symbol);
                            writer.Write(seq);
                        }

                        break;
                }
            }

            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static void AddLong(List<(string, object)> fields, string key, long? value)
    {
        if (value is { } v)
        {
            fields.Add((key, v));
        }
    }

    private static void AddString(List<(string, object)> fields, string key, string? value)
    {
        if (value is not null)
        {
            fields.Add((key, value));
        }
    }
}
