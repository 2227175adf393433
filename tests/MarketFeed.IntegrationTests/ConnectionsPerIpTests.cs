using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using MarketFeed.Gateway.Connections;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// <c>Feed:MaxConnectionsPerIp</c> (issue 13 part 3): exact under a storm of simultaneous upgrades
/// from one address, independent per address (127.0.0.2, .3, .4 on Linux loopback), refused with
/// HTTP 429 and no WebSocket, and a released place can be taken again.
/// </summary>
public sealed class ConnectionsPerIpTests
{
    private const int PerIp = 3;

    [Fact]
    public async Task StormFromSeveralLoopbackAddresses_EachGetsExactlyItsLimit_TheRestGet429_ClosingFreesAPlace()
    {
        await using var server = await FeedServer.StartAsync("--Feed:MaxConnectionsPerIp=" + PerIp);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string[] sources = ["127.0.0.2", "127.0.0.3", "127.0.0.4"];

        // 20 upgrades per address, all at once.
        var attempts = sources.SelectMany(ip => Enumerable.Range(0, 20).Select(_ => ConnectFromAsync(server.WebSocketUri, ip, cts.Token))).ToArray();
        var results = await Task.WhenAll(attempts);
        try
        {
            foreach (string ip in sources)
            {
                var mine = results.Where(r => r.Source == ip).ToArray();
                Assert.Equal(PerIp, mine.Count(r => r.Socket.State == WebSocketState.Open));
                Assert.All(mine.Where(r => r.Socket.State != WebSocketState.Open), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.Status));
            }

            Assert.Equal(PerIp * sources.Length, server.Get<ConnectionRegistry>().Reserved);

            // One of 127.0.0.2's connections closes: exactly one more place there.
            var open = results.First(r => r.Source == "127.0.0.2" && r.Socket.State == WebSocketState.Open);
            await open.Socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            for (int i = 0; i < 200 && server.Get<ConnectionRegistry>().Reserved != PerIp * sources.Length - 1; i++)
            {
                await Task.Delay(10, cts.Token); // the server's side of the close runs after the handshake completes
            }

            var again = await ConnectFromAsync(server.WebSocketUri, "127.0.0.2", cts.Token);
            var refused = await ConnectFromAsync(server.WebSocketUri, "127.0.0.2", cts.Token);
            Assert.Equal(WebSocketState.Open, again.Socket.State);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            again.Socket.Dispose();
            refused.Socket.Dispose();
        }
        finally
        {
            foreach (var r in results)
            {
                r.Socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task NoLimitByDefault()
    {
        await using var server = await FeedServer.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ConnectFromAsync(server.WebSocketUri, "127.0.0.5", cts.Token)));
        Assert.All(results, r => Assert.Equal(WebSocketState.Open, r.Socket.State));
        foreach (var r in results)
        {
            r.Socket.Dispose();
        }
    }

    private static async Task<(string Source, ClientWebSocket Socket, HttpStatusCode Status)> ConnectFromAsync(Uri uri, string source, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
#pragma warning disable CA2000 // the upgraded connection outlives this method; the test process owns the handler
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                s.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await s.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        var invoker = new HttpMessageInvoker(handler);
#pragma warning restore CA2000
        try
        {
            await socket.ConnectAsync(uri, invoker, ct);
        }
        catch (WebSocketException)
        {
            // Refused: the status is in HttpStatusCode.
        }

        return (source, socket, socket.HttpStatusCode);
    }
}
