using System.Buffers.Binary;
using System.Text;

namespace MarketFeed.Testing;

/// <summary>
/// Control messages that once reset a connection with an unhandled exception (issue 13 part 5),
/// written byte by byte: each must get <c>400 bad_request</c>, with the request id when it could be read.
/// </summary>
public static class HostileControlMessages
{
    /// <summary>One case: the frame (binary = MessagePack, else JSON text) and the request id the error must echo.</summary>
    public sealed record HostileMessage(string Name, byte[] Payload, bool Binary, long ExpectedRequestId);

    /// <summary>All cases.</summary>
    public static IReadOnlyList<HostileMessage> All { get; } =
    [
        new("uint64 time", Map(Kv("id", Int(7)), Kv("op", Str("ping")), Kv("time", UInt64(ulong.MaxValue))), true, 7),
        new("uint64 throttle", Map(Kv("id", Int(7)), Kv("op", Str("subscribe")), Kv("symbols", [0x91, .. Str("AAPL")]), Kv("throttle", UInt64(1UL << 63))), true, 7),
        new("uint64 replayId", Map(Kv("id", Int(7)), Kv("op", Str("replay.pause")), Kv("replayId", UInt64(ulong.MaxValue))), true, 7),
        new("uint64 from", Map(Kv("id", Int(7)), Kv("op", Str("replay")), Kv("from", UInt64((1UL << 63) + 1))), true, 7),
        new("uint64 id", Map(Kv("id", UInt64(ulong.MaxValue)), Kv("op", Str("ping"))), true, 0),
        new("uint64 in an array", Map(Kv("id", Int(7)), Kv("op", Str("subscribe")), Kv("symbols", [0x91, .. UInt64(ulong.MaxValue)])), true, 7),
        new("str32 claiming 4 GB", Map(Kv("id", Int(7)), Kv("op", [0xdb, 0xff, 0xff, 0xff, 0xff, .. "ping"u8])), true, 7),
        new("bin32 claiming 4 GB", Map(Kv("id", Int(7)), Kv("op", Str("ping")), Kv("pad", [0xc6, 0xff, 0xff, 0xff, 0xff, 1, 2, 3])), true, 7),
        new("str32 key claiming 4 GB", [0x82, .. Str("id"), .. Int(7), 0xdb, 0xff, 0xff, 0xff, 0xfe, .. "op"u8], true, 7),
        new("map32 claiming 4G entries", [0xdf, 0xff, 0xff, 0xff, 0xff, .. Str("id"), .. Int(7)], true, 0),
        new("array32 claiming 4G entries", Map(Kv("id", Int(7)), Kv("op", Str("subscribe")), Kv("symbols", [0xdd, 0xff, 0xff, 0xff, 0xff, .. Str("AAPL")])), true, 7),
        new("ext32 claiming 4 GB", Map(Kv("id", Int(7)), Kv("op", Str("ping")), Kv("x", [0xc9, 0xff, 0xff, 0xff, 0xff, 1, 2])), true, 7),
        new("maps nested 20,000 deep", Map(Kv("id", Int(7)), Kv("op", Str("ping")), Kv("x", NestedMaps(20_000))), true, 7),
        new("arrays nested 20,000 deep", Map(Kv("id", Int(7)), Kv("op", Str("ping")), Kv("x", [.. Enumerable.Repeat((byte)0x91, 20_000), 0xc0])), true, 7),
        new("lone high surrogate in a value", Utf8("""{"id":7,"op":"symbols","match":"\ud800"}"""), false, 7),
        new("lone low surrogate in a key", Utf8("""{"id":7,"op":"ping","\udc00x":1}"""), false, 7),
        new("lone surrogate in a symbol", Utf8("""{"id":7,"op":"subscribe","symbols":["A\ud800"]}"""), false, 7),
        new("number beyond double", Utf8("""{"id":7,"op":"ping","time":1e400}"""), false, 7),
        new("id beyond int64 in JSON", Utf8("""{"id":18446744073709551615,"op":"ping"}"""), false, 0),
        new("invalid UTF-8 in JSON", [.. "{\"id\":7,\"op\":\"p"u8, 0xff, 0xfe, .. "\"}"u8], false, 7),
    ];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Str(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(0xa0 | bytes.Length), .. bytes];
    }

    private static byte[] Int(byte value) => [value];

    private static byte[] UInt64(ulong value)
    {
        var bytes = new byte[9];
        bytes[0] = 0xcf;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1), value);
        return bytes;
    }

    private static byte[] Kv(string key, byte[] value) => [.. Str(key), .. value];

    private static byte[] Map(params byte[][] pairs) => [(byte)(0x80 | pairs.Length), .. pairs.SelectMany(p => p)];

    private static byte[] NestedMaps(int depth)
    {
        var bytes = new List<byte>(depth * 3);
        for (int i = 0; i < depth; i++)
        {
            bytes.AddRange([0x81, 0xa1, (byte)'k']);
        }

        bytes.Add(0xc0);
        return [.. bytes];
    }
}
