namespace MarketFeed.IntegrationTests;

/// <summary>docs/protocol.md section 9: WebSocket protocol violations end the connection with 1002 or 1007.</summary>
public sealed class ProtocolViolationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string, byte, byte[], bool, int> Violations => new()
    {
        { "reserved opcode 3", 0x83, [0x80], true, 1002 },
        { "RSV1 set without an extension", 0xc2, [0x80], true, 1002 },
        { "invalid UTF-8 in a text frame", 0x81, [0xc3, 0x28], true, 1007 },
        { "close with code 999", 0x88, [0x03, 0xe7], true, 1002 },
        { "unmasked client frame", 0x81, "{\"op\":\"ping\",\"id\":5}"u8.ToArray(), false, 1002 },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Violation_EndsTheConnection_WithTheDocumentedCodeOrAReset(string name, byte first, byte[] payload, bool masked, int expectedCode)
    {
        await using var server = await FeedServer.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var client = await RawFrameClient.ConnectAsync(server.WebSocketUri, cts.Token);
        await client.SendFrameAsync(first, payload, masked, cts.Token);
        int? code = await client.ReadUntilCloseAsync(cts.Token);
        output.WriteLine($"{name}: {(code is null ? "reset/EOF without a close frame" : "close " + code)}");

        // Documented: the close code, or (when the server has already torn the TCP connection down)
        // no close frame at all. Never another code, and never a connection left open.
        Assert.True(code is null || code == expectedCode, $"{name}: closed with {code}, expected {expectedCode}");

        Assert.DoesNotContain(client.BinaryFrames.SelectMany(f => MarketFeed.Protocol.FrameDecoder.Decode(f)), m => m is MarketFeed.Protocol.PongMessage); // the offending frame was not served

        // The server carries on for others.
        await using var other = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        await other.SendTextAsync("""{"op":"ping","id":1}""", cts.Token);
        Assert.NotNull(await other.ReceiveUntilAsync(m => m is MarketFeed.Protocol.PongMessage, cts.Token));
    }
}
