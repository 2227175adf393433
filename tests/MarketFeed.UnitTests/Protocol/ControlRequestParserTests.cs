using System.Text;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.UnitTests.Protocol;

public sealed class ControlRequestParserTests
{
    [Fact]
    public void Json_Subscribe_ParsesAllFields()
    {
        var r = Json("""{"op":"subscribe","id":7,"symbols":["AAPL","MSFT"],"mode":"full","snapshot":false}""");
        Assert.Equal(("subscribe", 7L, DeliveryMode.Full, false), (r.Op, r.Id, r.Mode!.Value, r.Snapshot));
        Assert.Equal(["AAPL", "MSFT"], r.Symbols!);
    }

    [Fact]
    public void MessagePack_RoundTripsThroughWriter()
    {
        var request = new ControlRequest
        {
            Op = "replay", Id = 3, Symbols = ["IBM"], Mode = DeliveryMode.Conflated, Throttle = 5, Dataset = "ibm",
            From = 10, To = 20, Speed = double.PositiveInfinity, ReplayId = 4, Snapshot = false, Time = 99, Match = "I",
        };
        var r = ControlRequestParser.ParseMessagePack(ControlRequestWriter.ToMessagePack(request));
        Assert.Equal(("replay", 3L, "IBM", DeliveryMode.Conflated, 5), (r.Op, r.Id, r.Symbols![0], r.Mode!.Value, r.Throttle!.Value));
        Assert.Equal(("ibm", 10L, 20L, double.PositiveInfinity, 4L, false, 99L, "I"), (r.Dataset, r.From!.Value, r.To!.Value, r.Speed!.Value, r.ReplayId!.Value, r.Snapshot, r.Time!.Value, r.Match));
    }

    [Fact]
    public void Json_TimesAcceptIsoText_AndSpeedAcceptsNumbersAndMax()
    {
        var r = Json("""{"op":"replay","dataset":"d","from":"2013-10-07T13:30:00Z","to":1381153800000000001,"speed":"max"}""");
        Assert.Equal(1_381_152_600_000_000_000L, r.From);
        Assert.Equal(1_381_153_800_000_000_001L, r.To);
        Assert.Equal(double.PositiveInfinity, r.Speed);
        Assert.Equal(2.5, Json("""{"op":"replay","speed":2.5}""").Speed);
        Assert.Equal(10, Json("""{"op":"replay","speed":"10x"}""").Speed);
    }

    [Theory]
    [InlineData("not json", "invalid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("{\"id\":1}", "missing 'op'")]
    [InlineData("{\"op\":5}", "missing 'op'")]
    [InlineData("{\"op\":\"subscribe\",\"symbols\":[\"AAPL\"],\"mode\":\"fast\"}", "'mode' must be")]
    [InlineData("{\"op\":\"subscribe\",\"symbols\":\"AAPL\"}", "'symbols' must be an array of strings")]
    [InlineData("{\"op\":\"replay\",\"dataset\":\"d\",\"symbols\":\"IBM\"}", "'symbols' must be an array of strings")]
    [InlineData("{\"op\":\"subscribe\",\"symbols\":[1,2]}", "'symbols' must be an array of non-empty strings")]
    [InlineData("{\"op\":\"subscribe\",\"symbols\":{}}", "'symbols' must be an array")]
    [InlineData("{\"op\":\"subscribe\",\"throttle\":-1}", "'throttle'")]
    [InlineData("{\"op\":\"ping\",\"id\":\"x\"}", "'id' must be an integer")]
    [InlineData("{\"op\":\"replay\",\"speed\":0}", "'speed'")]
    [InlineData("{\"op\":\"replay\",\"from\":\"yesterday\"}", "'from'")]
    [InlineData("{\"op\":\"replay\",\"from\":\"10/11/2013\"}", "'from' must be integer nanoseconds since the epoch or ISO-8601")]
    [InlineData("{\"op\":\"replay\",\"to\":\"Oct 7 2013\"}", "'to'")]
    [InlineData("{\"op\":\"replay\",\"skipDamage\":\"yes\"}", "'skipDamage' must be a boolean")]
    [InlineData("{\"op\":\"subscribe\",\"snapshot\":\"yes\"}", "'snapshot'")]
    public void Json_Malformed_IsBadRequestWithReason(string text, string expected)
    {
        var ex = Assert.Throws<ControlRequestException>(() => Json(text));
        Assert.Equal(ErrorCode.BadRequest, ex.Code);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_ErrorCarriesTheRequestIdWhenReadable()
    {
        var ex = Assert.Throws<ControlRequestException>(() => Json("""{"op":"subscribe","id":12,"mode":"fast"}"""));
        Assert.Equal(12, ex.RequestId);
    }

    [Theory]
    [InlineData(new byte[] { 0xc1 })] // never-used MessagePack code
    [InlineData(new byte[] { 0x92, 0x01, 0x02 })] // array, not map
    [InlineData(new byte[] { 0x81, 0xa2, 0x6f })] // truncated
    [InlineData(new byte[] { 0x81, 0x01, 0x02 })] // non-string key
    [InlineData(new byte[] { 0x80, 0x80 })] // trailing bytes
    [InlineData(new byte[] { })]
    public void MessagePack_Malformed_IsBadRequest(byte[] payload)
    {
        var ex = Assert.Throws<ControlRequestException>(() => ControlRequestParser.ParseMessagePack(payload));
        Assert.Equal(ErrorCode.BadRequest, ex.Code);
    }

    [Fact]
    public void TooManySymbols_IsBadRequest()
    {
        string symbols = string.Join(',', Enumerable.Range(0, ControlRequestParser.MaxSymbolsPerRequest + 1).Select(i => $"\"S{i}\""));
        var ex = Assert.Throws<ControlRequestException>(() => Json("{\"op\":\"subscribe\",\"symbols\":[" + symbols + "]}"));
        Assert.Equal(ErrorCode.BadRequest, ex.Code);
    }

    [Fact]
    public void DeeplyNested_IsBadRequest()
    {
        var ex = Assert.Throws<ControlRequestException>(() => Json("{\"op\":\"x\",\"a\":[[[[[[[[[[1]]]]]]]]]]}"));
        Assert.Equal(ErrorCode.BadRequest, ex.Code);
    }

    [Theory]
    [InlineData("{\"op\":\"ping\",\"id\":41}", 41)]
    [InlineData("{\"id\":-3,\"op\":\"ping\"}", -3)]
    [InlineData("{\"pad\":[1,{\"id\":9}],\"id\":42,\"op\":", 42)] // unparseable after the id; nested ids ignored
    [InlineData("{\"id\":43,\"op\":\"ping\",\"pad\":\"xxxxxxxx", 43)] // truncated (oversized message prefix)
    [InlineData("{\"op\":\"ping\",\"id\":\"7\"}", 0)] // not an integer: unreadable
    [InlineData("{\"op\":\"ping\",\"id\":1.5}", 0)]
    [InlineData("{\"op\":\"ping\"}", 0)]
    [InlineData("not json", 0)]
    [InlineData("[1,2]", 0)]
    [InlineData("{\"op\":\"symbols\",zid\":8,\"match\":\"M\"}", 0)] // malformed key (a fuzz-test input)
    public void TryReadId_Json_ReadsTheTopLevelIntegerIdWhenThereIsOne(string text, long expected)
    {
        Assert.Equal(expected, ControlRequestParser.TryReadId(Encoding.UTF8.GetBytes(text), text: true));
    }

    [Fact]
    public void TryReadId_MessagePack_ReadsTheIdFromWholeAndTruncatedMaps()
    {
        byte[] whole = ControlRequestWriter.ToMessagePack(new ControlRequest { Op = "subscribe", Id = 77, Symbols = ["AAPL", "MSFT"] });
        Assert.Equal(77, ControlRequestParser.TryReadId(whole, text: false));

        // The writer puts "op" then "id" first: a prefix that ends inside the symbols still has the id.
        Assert.Equal(77, ControlRequestParser.TryReadId(whole.AsMemory(0, whole.Length - 3), text: false));
        Assert.Equal(0, ControlRequestParser.TryReadId(whole.AsMemory(0, 3), text: false));
        Assert.Equal(0, ControlRequestParser.TryReadId(new byte[] { 0xc1 }, text: false));
        Assert.Equal(0, ControlRequestParser.TryReadId(new byte[] { 0x81, 0xa2, (byte)'i', (byte)'d', 0xa1, (byte)'x' }, text: false)); // id is a string
    }

    private static ControlRequest Json(string text) => ControlRequestParser.ParseJson(Encoding.UTF8.GetBytes(text));
}
