using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.UnitTests.Protocol;

public sealed class TickMessageWriterTests
{
    public static TheoryData<long> Values => new()
    {
        0, 1, 127, 128, 255, 256, 65_535, 65_536, uint.MaxValue, (long)uint.MaxValue + 1, long.MaxValue,
        -1, -32, -33, -128, -129, short.MinValue, short.MinValue - 1, int.MinValue, (long)int.MinValue - 1, long.MinValue,
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void SameBytesAsMessagePackWriter(long value)
    {
        foreach (TickKind kind in new[] { TickKind.Quote, TickKind.Trade })
        {
            var tick = new Tick
            {
                Kind = kind, SymbolId = 3, Sequence = value, Timestamp = value, BidPrice = value, BidSize = value,
                AskPrice = value, AskSize = value, Side = TradeSide.Sell,
            };

            using var reference = new PooledBufferWriter();
            var writer = new MessagePackWriter(reference);
            MessageEncoder.WriteTick(ref writer, tick);
            writer.Flush();

            var fast = new byte[MessageEncoder.MaxMarketDataMessageBytes];
            int n = TickMessageWriter.Write(tick, fast);
            Assert.Equal(reference.WrittenSpan.ToArray(), fast[..n]);
        }
    }
}
