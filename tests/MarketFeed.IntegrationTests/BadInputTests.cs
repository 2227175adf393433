using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>Invariant 7: bad input gets a documented error or close code; the server and other clients carry on.</summary>
public sealed class BadInputTests
{
    private static CancellationToken Timeout(int seconds = 20) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    [Fact]
    public async Task MalformedAndUnknown_GetErrors_ConnectionStaysUsable_OtherClientUntouched()
    {
        await using var server = await FeedServer.StartAsync("--rate", "20000");
        var ct = Timeout(30);
        await using var bystander = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await bystander.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL", "MSFT"), ct);
        var bystanderCheck = new SequenceChecker();
        Task<ServerMessage?> bystanderRun = bystander.ReceiveUntilAsync(m => { bystanderCheck.Observe(m); return bystanderCheck.Updates >= 3000 || bystanderCheck.FirstGap is not null; }, ct);

        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await client.SendTextAsync("this is not json", ct);
        await client.SendTextAsync(string.Empty, ct);
        await client.SendBinaryAsync([0xc1, 0x00], ct);
        await client.SendTextAsync("""{"op":"explode","id":3}""", ct);
        await client.SendTextAsync("""{"op":"subscribe","id":4,"symbols":["NOPE","AAPL"],"mode":"sideways"}""", ct);
        await client.SendTextAsync("""{"op":"subscribe","id":5,"symbols":["NOPE","AAPL"]}""", ct);
        await client.SendTextAsync("""{"op":"subscribe","id":6}""", ct);
        await client.SendTextAsync("""{"op":"subscribe","id":7,"symbols":["AAPL"],"mode":"full","throttle":5}""", ct);
        await client.SendTextAsync("""{"id":9,"op":"subscribe","symbols":["AAPL"],""", ct); // unparseable after its id
        await client.SendTextAsync("""{"op":"subscribe","id":10,"symbols":"AAPL"}""", ct); // a string, not an array
        await client.SendTextAsync("""{"op":"ping","id":8}""", ct);

        var seen = new List<ServerMessage>();
        await client.ReceiveUntilAsync(m => m is PongMessage, ct, seen);
        var errors = seen.OfType<ErrorMessage>().ToList();
        Assert.Equal(3, errors.Count(e => e.Code == 400 && e.Message.Contains("invalid JSON", StringComparison.Ordinal))); // incl. the empty message
        Assert.Contains(errors, e => e.Code == 400 && e.RequestId == 9 && e.Message.Contains("invalid JSON", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Code == 400 && e.RequestId == 10 && e.Message.Contains("'symbols' must be an array", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Code == 400 && e.Message.Contains("MessagePack", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Code == 405 && e.RequestId == 3 && e.CodeName == "unknown_op");
        Assert.Contains(errors, e => e.Code == 400 && e.RequestId == 4 && e.Message.Contains("'mode'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Code == 404 && e.RequestId == 5 && e.Symbol == "NOPE");
        Assert.Contains(errors, e => e.Code == 400 && e.RequestId == 6);
        Assert.Contains(errors, e => e.Code == 400 && e.RequestId == 7 && e.Message.Contains("throttle", StringComparison.Ordinal));
        var ack = Assert.Single(seen.OfType<SubscribeAckMessage>());
        Assert.Equal(5, ack.RequestId);
        Assert.Equal("AAPL", Assert.Single(ack.Symbols).Symbol);
        Assert.Equal(WebSocketState.Open, client.Socket.State);

        await bystanderRun;
        Assert.Null(bystanderCheck.FirstGap);
    }

    [Fact]
    public async Task OversizedControlMessage_GetsTooLargeThenClose1009()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxControlMessageBytes=1024");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        await client.SendTextAsync("{\"op\":\"ping\",\"id\":9,\"pad\":\"" + new string('x', 5000) + "\"}", ct);
        var seen = new List<ServerMessage>();
        Assert.Null(await client.ReceiveUntilAsync(_ => false, ct, seen));
        Assert.Contains(seen.OfType<ErrorMessage>(), e => e.Code == 413 && e.RequestId == 9); // the id is read from the message's first bytes
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, client.CloseStatus);
    }

    [Fact]
    public async Task FloodOfControlMessages_IsRateLimited_ThenClosedWithPolicyViolation()
    {
        await using var server = await FeedServer.StartAsync("--Feed:ControlMessagesPerSecond=5", "--Feed:ControlMessageBurst=5", "--Feed:MaxErrorsPerConnection=20");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        var seen = new List<ServerMessage>();
        Task<ServerMessage?> reader = client.ReceiveUntilAsync(_ => false, ct, seen);
        for (int i = 0; i < 200 && client.Socket.State == WebSocketState.Open; i++)
        {
            try
            {
                await client.SendTextAsync("{\"op\":\"ping\",\"id\":" + (i + 1) + "}", ct);
            }
            catch (WebSocketException)
            {
                break; // the server closed us: expected
            }
        }

        Assert.Null(await reader);
        var limited = seen.OfType<ErrorMessage>().Where(e => e.Code == 429 && e.CodeName == "rate_limited").ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, e => Assert.InRange(e.RequestId, 2, 200)); // each names the ping it refused
        Assert.Equal(limited.Count, limited.Select(e => e.RequestId).Distinct().Count());
        Assert.True(seen.OfType<PongMessage>().Count() >= 5);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);

        // The server is still up for others.
        await using var other = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await other.SendTextAsync("""{"op":"ping","id":1}""", ct);
        Assert.NotNull(await other.ReceiveUntilAsync(m => m is PongMessage, ct));
    }

    [Fact]
    public async Task TooManySymbols_GetsLimitExceeded_ForTheExcessOnly()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxSymbolsPerConnection=3");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        var ct = Timeout();
        await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL", "MSFT", "NVDA", "AMZN", "GOOGL"), ct);
        var seen = new List<ServerMessage>();
        var ack = Assert.IsType<SubscribeAckMessage>(await client.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct, seen));
        Assert.Equal(3, ack.Symbols.Count);
        var error = Assert.Single(seen.OfType<ErrorMessage>());
        Assert.Equal((422, "AMZN"), (error.Code, error.Symbol));
    }
}
