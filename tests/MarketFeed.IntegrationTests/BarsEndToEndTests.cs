using System.Globalization;
using System.IO.Compression;
using MarketFeed.Core;
using MarketFeed.Core.Bars;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>The <c>bars</c> request over a real WebSocket: a real vendor day, the live feed, and the documented errors.</summary>
public sealed class BarsEndToEndTests(ReplayDataFixture data) : IClassFixture<ReplayDataFixture>
{
    private static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task DatasetMinuteBars_EqualBarsComputedFromTheVendorCsv()
    {
        // Independent: 1-minute bars straight from the AlgoSeek trade file (ms since midnight New York, price x 10000).
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var day = new DateTime(2013, 10, 7, 0, 0, 0, DateTimeKind.Unspecified);
        long midnightUtcNanos = (long)(new DateTimeOffset(day, newYork.GetUtcOffset(day)).ToUnixTimeMilliseconds() * UnixTime.NanosPerMillisecond);
        var expected = new SortedDictionary<long, (long Open, long High, long Low, long Close, long Volume, long Count)>();
        foreach (string line in ZipLines(ReplayDataFixture.IbmTrades))
        {
            string[] f = line.Split(',');
            long at = midnightUtcNanos + (long.Parse(f[0], CultureInfo.InvariantCulture) * UnixTime.NanosPerMillisecond);
            long price = long.Parse(f[1], CultureInfo.InvariantCulture);
            long size = long.Parse(f[2], CultureInfo.InvariantCulture);
            long minute = at / (60 * UnixTime.NanosPerSecond) * (60 * UnixTime.NanosPerSecond);
            expected[minute] = expected.TryGetValue(minute, out var b)
                ? (b.Open, Math.Max(b.High, price), Math.Min(b.Low, price), price, b.Volume + size, b.Count + 1)
                : (price, price, price, price, size, 1);
        }

        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var reply = await RequestAsync(client, new ControlRequest { Op = "bars", Id = 3, Symbol = "IBM", Interval = "1m", Dataset = "ibm-20131007" });

        Assert.Equal(3, reply.RequestId);
        Assert.True(reply.Complete);
        var tradeBars = reply.Bars.Where(b => b.Basis == BarBasis.Trades).ToList();
        Assert.Equal(expected.Keys, tradeBars.Select(b => b.Start));
        foreach (var bar in tradeBars)
        {
            Assert.Equal(expected[bar.Start], (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume, bar.Count));
            Assert.True(bar.Closed);
        }

        // Minutes with quotes and no trade carry the quote mid, with no volume, and are never minutes that traded.
        Assert.All(reply.Bars.Where(b => b.Basis == BarBasis.QuoteMid), b => Assert.True(b.Volume == 0 && b.Count == 0 && !expected.ContainsKey(b.Start)));
        Assert.Equal(ZipLines(ReplayDataFixture.IbmTrades).Count(), tradeBars.Sum(b => b.Count));

        // A page: the last 5 of the day, then a from/to slice.
        var lastFive = await RequestAsync(client, new ControlRequest { Op = "bars", Id = 4, Symbol = "IBM", Interval = "1m", Dataset = "ibm-20131007", Last = 5 });
        Assert.Equal(reply.Bars.TakeLast(5), lastFive.Bars);
        long from = tradeBars[10].Start;
        long to = tradeBars[20].Start;
        var slice = await RequestAsync(client, new ControlRequest { Op = "bars", Id = 5, Symbol = "IBM", Interval = "1m", Dataset = "ibm-20131007", From = from, To = to });
        Assert.Equal(reply.Bars.Where(b => b.Start >= from && b.Start <= to), slice.Bars);
    }

    [Fact]
    public async Task LiveSecondBars_AccountForEveryTradeTheFullStreamCarried()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL"), ct);
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct));
        int id = ack.Symbols[0].SymbolId;

        // Every AAPL trade for a little over three whole seconds.
        var trades = new List<TradeMessage>();
        long second = UnixTime.NanosPerSecond;
        await client.ReceiveUntilAsync(
            m =>
            {
                if (m is TradeMessage t && t.SymbolId == id)
                {
                    trades.Add(t);
                }

                return trades.Count > 0 && trades[^1].Timestamp / second >= (trades[0].Timestamp / second) + 4;
            },
            ct);

        var reply = await RequestAsync(client, new ControlRequest { Op = "bars", Id = 9, Symbol = "AAPL", Interval = "1s", Last = 30 });
        long firstWhole = (trades[0].Timestamp / second) + 1; // the first second may have begun before we subscribed
        long lastWhole = (trades[^1].Timestamp / second) - 1; // the last may not be over
        int checkedBars = 0;
        foreach (var bar in reply.Bars.Where(b => b.Start / second >= firstWhole && b.Start / second <= lastWhole))
        {
            var inBar = trades.Where(t => t.Timestamp / second == bar.Start / second).ToList();
            Assert.Equal(inBar.Sum(t => t.Size), bar.Volume);
            Assert.Equal(inBar.Count, bar.Count);
            Assert.Equal((inBar[0].Price, inBar.Max(t => t.Price), inBar.Min(t => t.Price), inBar[^1].Price), (bar.Open, bar.High, bar.Low, bar.Close));
            checkedBars++;
        }

        Assert.True(checkedBars >= 2, $"only {checkedBars} whole seconds checked");
        Assert.False(reply.Bars[^1].Start / second < lastWhole && !reply.Bars[^1].Closed);
    }

    [Fact]
    public async Task BadBarsRequests_GetTheDocumentedCodes()
    {
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory);
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();

        async Task<ErrorMessage> ErrorFor(string json)
        {
            await client.SendTextAsync(json, ct);
            return Assert.IsType<ErrorMessage>(await client.ReceiveUntilAsync(m => m is ErrorMessage or BarsMessage, ct));
        }

        Assert.Equal((400, 11L), Code(await ErrorFor("""{"op":"bars","id":11,"symbol":"AAPL","interval":"7x"}""")));
        Assert.Equal((400, 12L), Code(await ErrorFor("""{"op":"bars","id":12,"symbol":"AAPL","interval":"1h"}"""))); // not kept live
        Assert.Equal((400, 13L), Code(await ErrorFor("""{"op":"bars","id":13,"interval":"1m"}""")));
        Assert.Equal((400, 14L), Code(await ErrorFor("""{"op":"bars","id":14,"symbol":"AAPL","interval":"1m","last":999999}""")));
        var unknown = await ErrorFor("""{"op":"bars","id":15,"symbol":"NOPE","interval":"1m"}""");
        Assert.Equal((404, 15L, "NOPE"), (Code(unknown).Item1, unknown.RequestId, unknown.Symbol));
        Assert.Equal((410, 16L), Code(await ErrorFor("""{"op":"bars","id":16,"symbol":"IBM","interval":"1m","dataset":"nope"}""")));
        var notInDataset = await ErrorFor("""{"op":"bars","id":17,"symbol":"AAPL","interval":"1m","dataset":"ibm-20131007"}""");
        Assert.Equal((404, "AAPL"), ((int)notInDataset.Code, notInDataset.Symbol));

        // The connection is still good.
        var ok = await RequestAsync(client, new ControlRequest { Op = "bars", Id = 18, Symbol = "IBM", Interval = "5m", Dataset = "ibm-20131007", Last = 1 });
        Assert.Single(ok.Bars);
    }

    private static (int, long) Code(ErrorMessage e) => ((int)e.Code, e.RequestId);

    private static async Task<BarsMessage> RequestAsync(RawFeedClient client, ControlRequest request)
    {
        var ct = Timeout();
        await client.SendAsync(request, ct);
        var reply = await client.ReceiveUntilAsync(m => (m is BarsMessage b && b.RequestId == request.Id) || (m is ErrorMessage e && e.RequestId == request.Id), ct);
        return reply as BarsMessage ?? throw new Xunit.Sdk.XunitException("bars failed: " + reply);
    }

    private static IEnumerable<string> ZipLines(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        using var reader = new StreamReader(zip.Entries[0].Open());
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                yield return line;
            }
        }
    }
}
