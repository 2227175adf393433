using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.UnitTests.Client;

/// <summary>Symbols, snapshots and stream helpers shared by the client tests.</summary>
internal static class ClientTestKit
{
    public static readonly SymbolInfo Aapl = new("AAPL", 0, "Apple Inc.", "USD", 4, 0, 100, 1, 1_815_200);
    public static readonly SymbolInfo Msft = new("MSFT", 1, "Microsoft Corp.", "USD", 4, 0, 100, 1, 3_300_000);

    public static MarketFeedClientOptions Options(Uri uri, TimeProvider? time = null) => new()
    {
        Uri = uri,
        ReconnectInitialDelay = TimeSpan.Zero,
        ReconnectJitter = 0,
        TimeProvider = time ?? TimeProvider.System,
    };

    public static MarketSnapshot Snapshot(int symbolId, long seq, long bid, long ask, long cumVolume = 0, long tradeCount = 0) => new()
    {
        SymbolId = symbolId,
        Sequence = seq,
        QuoteSequence = seq,
        QuoteTimestamp = 1_700_000_000_000_000_000 + seq,
        BidPrice = bid,
        BidSize = 100,
        AskPrice = ask,
        AskSize = 200,
        TradeSequence = tradeCount > 0 ? seq - 1 : 0,
        LastPrice = tradeCount > 0 ? bid : 0,
        LastSize = tradeCount > 0 ? 10 : 0,
        CumulativeVolume = cumVolume,
        TradeCount = tradeCount,
    };

    public static Tick Quote(int symbolId, long seq, long bid, long ask)
    {
        var tick = Tick.NewQuote(symbolId, 1_700_000_000_000_000_000 + seq, bid, 100, ask, 200);
        tick.Sequence = seq;
        return tick;
    }

    public static Tick Trade(int symbolId, long seq, long price, long size, long cumVolume, long tradeCount)
    {
        var tick = Tick.NewTrade(symbolId, 1_700_000_000_000_000_000 + seq, price, size, TradeSide.Buy);
        tick.Sequence = seq;
        tick.CumulativeVolume = cumVolume;
        tick.TradeCount = tradeCount;
        return tick;
    }

    /// <summary>Reads the stream until a <typeparamref name="T"/> matching <paramref name="match"/> arrives; fails after the signal timeout.</summary>
    public static async Task<T> NextAsync<T>(this IAsyncEnumerator<ServerMessage> stream, Func<T, bool>? match = null)
        where T : ServerMessage
    {
        while (await stream.MoveNextAsync().AsTask().WaitAsync(TestTimeouts.Signal))
        {
            if (stream.Current is T t && (match is null || match(t)))
            {
                return t;
            }
        }

        throw new Xunit.Sdk.XunitException($"the message stream ended before a {typeof(T).Name} arrived");
    }

    /// <summary>Connects a client and answers its subscribe with an ack and snapshots.</summary>
    public static async Task<(MarketFeedClient Client, FakeFeedConnection Connection)> ConnectAsync(FakeFeedServer server, MarketFeedClientOptions options)
    {
        var client = new MarketFeedClient(options);
        var connectTask = client.ConnectAsync();
        var connection = await server.AcceptAsync();
        await connectTask.WaitAsync(TestTimeouts.Signal);
        return (client, connection);
    }

    /// <summary>Client subscribes; the fake server checks nothing and answers with ack + snapshots. Returns the request the server saw.</summary>
    public static async Task<ControlRequest> SubscribeAsync(MarketFeedClient client, FakeFeedConnection connection, IReadOnlyList<SymbolInfo> symbols, DeliveryMode mode, int throttle, params MarketSnapshot[] snapshots)
    {
        var subscribe = client.SubscribeAsync([.. symbols.Select(s => s.Name)], mode, throttle);
        var request = await connection.ReceiveRequestAsync();
        await connection.SendSubscribeAckAsync(request.Id, request.Mode ?? DeliveryMode.Conflated, request.Throttle ?? 0, symbols, snapshots);
        await subscribe.WaitAsync(TestTimeouts.Signal);
        return request;
    }
}
