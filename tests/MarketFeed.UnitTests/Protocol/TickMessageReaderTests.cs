using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.UnitTests.Protocol;

public sealed class TickMessageReaderTests
{
    public static TheoryData<long> Values => TickMessageWriterTests.Values;

    [Theory]
    [MemberData(nameof(Values))]
    public void ReadsWhatTheWriterWrites(long value)
    {
        foreach (var tick in new[] { Quote(3, value), Trade(3, value, TradeSide.Sell) })
        {
            var bytes = new byte[MessageEncoder.MaxMarketDataMessageBytes + 4];
            int written = TickMessageWriter.Write(tick, bytes);

            Assert.Equal(written, TickMessageReader.TryRead(bytes, out Tick read));
            Assert.Equal(tick, read);
        }
    }

    [Fact]
    public void Flags_TravelInTheAppendedField_BothDecoders_OldShapesReadAsNone()
    {
        var quote = Quote(3, 1234);
        quote.Flags = TickFlags.Suspicious | TickFlags.SizeUnknown;
        var trade = Trade(4, 99, TradeSide.Buy);
        trade.Flags = TickFlags.Suspicious;
        using var frame = new FrameBuilder();
        frame.AddTick(quote);
        frame.AddTick(trade);
        var messages = FrameDecoder.Decode(frame.Complete());
        Assert.Equal(TickFlags.Suspicious | TickFlags.SizeUnknown, Assert.IsType<QuoteMessage>(messages[0]).Flags);
        Assert.Equal(TickFlags.Suspicious, Assert.IsType<TradeMessage>(messages[1]).Flags);

        var bytes = new byte[MessageEncoder.MaxMarketDataMessageBytes];
        TickMessageWriter.Write(quote, bytes);
        Assert.True(TickMessageReader.TryRead(bytes, out Tick read) > 0);
        Assert.Equal(quote.Flags, read.Flags);

        // A server from before the flags field: 8 fields, no flags.
        byte[] old = Message(static (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(8);
            w.Write((int)MessageKind.Quote);
            WriteFields(ref w, 7);
        });
        Assert.True(TickMessageReader.TryRead(old, out Tick oldTick) > 0);
        Assert.Equal(TickFlags.None, oldTick.Flags);
    }

    [Fact]
    public void TakesEveryIntegerFormatNotJustTheSmallest()
    {
        // Another encoder may pick wider formats: int64 for a small value, uint8 for 7, int16 for -1 ...
        using var buffer = new PooledBufferWriter();
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(8);
        w.Write((int)MessageKind.Quote);
        w.WriteInt32(12);
        w.WriteUInt64(7);
        w.WriteInt64(1_700_000_000_000_000_000);
        w.WriteInt16(-1);
        w.WriteUInt8(7);
        w.WriteUInt16(300);
        w.WriteInt8(-5);
        w.Flush();

        Assert.Equal(2 + 5 + 9 + 9 + 3 + 2 + 3 + 2, buffer.WrittenCount); // every field in the format asked for
        int n = TickMessageReader.TryRead(buffer.WrittenSpan, out Tick tick);

        Assert.Equal(buffer.WrittenCount, n);
        Assert.Equal((12, 7L, 1_700_000_000_000_000_000L), (tick.SymbolId, tick.Sequence, tick.Timestamp));
        Assert.Equal((-1L, 7L, 300L, -5L), (tick.BidPrice, tick.BidSize, tick.AskPrice, tick.AskSize));
    }

    [Fact]
    public void EveryTruncationIsDeclinedNotMisread()
    {
        foreach (var tick in new[] { Quote(70_000, long.MaxValue), Trade(1, -1, TradeSide.Buy) })
        {
            var bytes = new byte[MessageEncoder.MaxMarketDataMessageBytes];
            int written = TickMessageWriter.Write(tick, bytes);
            for (int length = 0; length < written; length++)
            {
                Assert.Equal(0, TickMessageReader.TryRead(bytes.AsSpan(0, length), out _));
            }
        }
    }

    [Fact]
    public void OtherShapesAreLeftToTheGeneralDecoder()
    {
        // A quote with a field appended by a newer server, a uint64 beyond long.MaxValue,
        // a trade side beyond a byte, a heartbeat, a string where an integer belongs.
        Assert.Equal(0, TickMessageReader.TryRead(Message((ref MessagePackWriter w) => { w.WriteArrayHeader(9); w.Write(1); WriteFields(ref w, 7); w.Write("extra"); }), out _));
        Assert.Equal(0, TickMessageReader.TryRead(Message((ref MessagePackWriter w) => { w.WriteArrayHeader(8); w.Write(1); w.Write(1); w.Write(ulong.MaxValue); WriteFields(ref w, 5); }), out _));
        Assert.Equal(0, TickMessageReader.TryRead(Message((ref MessagePackWriter w) => { w.WriteArrayHeader(9); w.Write(2); WriteFields(ref w, 5); w.Write(256); WriteFields(ref w, 2); }), out _));
        Assert.Equal(0, TickMessageReader.TryRead(Message((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(6); w.Write(123L); WriteFields(ref w, 8); }), out _));
        Assert.Equal(0, TickMessageReader.TryRead(Message((ref MessagePackWriter w) => { w.WriteArrayHeader(8); w.Write(1); w.Write("AAPL"); WriteFields(ref w, 6); }), out _));
    }

    [Fact]
    public void FrameReader_GivesTheSameMessagesAsTheGeneralDecoder_OnMixedFrames()
    {
        var random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            using var buffer = new PooledBufferWriter();
            var w = new MessagePackWriter(buffer);
            int count = random.Next(0, 30);
            w.WriteArrayHeader(count);
            for (int i = 0; i < count; i++)
            {
                WriteRandomMessage(ref w, random);
            }

            w.Flush();
            var expected = FrameDecoder.Decode(buffer.WrittenMemory);

            var reader = new FrameReader(buffer.WrittenMemory);
            var actual = new List<ServerMessage>();
            while (reader.Remaining > 0)
            {
                actual.Add(reader.TryReadTick(out Tick tick, out ServerMessage? other) ? ToMessage(tick) : other!);
            }

            Assert.Equal(count, reader.Count);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void FrameReader_TruncatedFrameThrowsInsteadOfReturningGarbage()
    {
        using var frame = new FrameBuilder();
        frame.AddTick(Quote(1, 123_456));
        frame.AddTick(Trade(2, 99, TradeSide.Buy));
        byte[] bytes = frame.Complete().ToArray();
        var truncated = bytes.AsMemory(0, bytes.Length - 3);

        Assert.ThrowsAny<Exception>(() =>
        {
            var reader = new FrameReader(truncated);
            while (reader.Remaining > 0)
            {
                reader.TryReadTick(out _, out _);
            }
        });
        Assert.Throws<MessagePackSerializationException>(() =>
        {
            var reader = new FrameReader(bytes);
            for (int i = 0; i < 3; i++)
            {
                reader.TryReadTick(out _, out _);
            }
        });
    }

    private static Tick Quote(int symbolId, long value) => new()
    {
        Kind = TickKind.Quote, SymbolId = symbolId, Sequence = value, Timestamp = value,
        BidPrice = value, BidSize = value, AskPrice = value, AskSize = value,
    };

    private static Tick Trade(int symbolId, long value, TradeSide side) => new()
    {
        Kind = TickKind.Trade, SymbolId = symbolId, Sequence = value, Timestamp = value,
        Price = value, Size = value, Side = side, CumulativeVolume = value, TradeCount = value,
    };

    private static ServerMessage ToMessage(in Tick t) => t.Kind == TickKind.Quote
        ? new QuoteMessage(t.SymbolId, t.Sequence, t.Timestamp, t.BidPrice, t.BidSize, t.AskPrice, t.AskSize) { Flags = t.Flags }
        : new TradeMessage(t.SymbolId, t.Sequence, t.Timestamp, t.Price, t.Size, t.Side, t.CumulativeVolume, t.TradeCount) { Flags = t.Flags };

    private static byte[] Message(MessageWriter write)
    {
        using var buffer = new PooledBufferWriter();
        var w = new MessagePackWriter(buffer);
        write(ref w);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private delegate void MessageWriter(ref MessagePackWriter writer);

    private static void WriteFields(ref MessagePackWriter w, int count)
    {
        for (int i = 0; i < count; i++)
        {
            w.Write(1000 + i);
        }
    }

    /// <summary>Quotes and trades in random integer formats (with or without flags, sometimes with a field after them), heartbeats, unknown kinds.</summary>
    private static void WriteRandomMessage(ref MessagePackWriter w, Random random)
    {
        int pick = random.Next(10);
        if (pick < 6)
        {
            bool quote = pick < 3;
            bool extra = pick is 2 or 5;
            bool flags = extra || pick is 1 or 4;
            int fields = (quote ? 8 : 9) + (flags ? 1 : 0) + (extra ? 1 : 0);
            w.WriteArrayHeader(fields);
            w.Write(quote ? (int)MessageKind.Quote : (int)MessageKind.Trade);
            WriteRandomInt(ref w, random, random.Next(0, 100_000));
            for (int f = 2; f < (quote ? 8 : 9); f++)
            {
                if (!quote && f == 6)
                {
                    WriteRandomInt(ref w, random, random.Next(0, 3)); // side
                }
                else
                {
                    WriteRandomInt(ref w, random, RandomValue(random));
                }
            }

            if (flags)
            {
                WriteRandomInt(ref w, random, random.Next(0, 4));
            }

            if (extra)
            {
                w.Write("newer-field");
            }
        }
        else if (pick < 8)
        {
            w.WriteArrayHeader(2);
            w.Write((int)MessageKind.Heartbeat);
            w.Write(RandomValue(random));
        }
        else
        {
            w.WriteArrayHeader(2);
            w.Write(99);
            w.Write("future message");
        }
    }

    private static long RandomValue(Random random) => random.Next(6) switch
    {
        0 => random.Next(-40, 140),
        1 => random.Next(),
        2 => -random.Next(),
        3 => random.NextInt64(),
        4 => -random.NextInt64(),
        _ => random.Next(0, 70_000),
    };

    private static void WriteRandomInt(ref MessagePackWriter w, Random random, long value)
    {
        if (random.Next(3) == 0)
        {
            w.WriteInt64(value);
        }
        else if (random.Next(3) == 0 && value >= 0)
        {
            w.WriteUInt64((ulong)value);
        }
        else
        {
            w.Write(value);
        }
    }
}
