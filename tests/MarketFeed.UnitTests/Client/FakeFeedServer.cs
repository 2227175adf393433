using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MarketFeed.UnitTests.Client;

/// <summary>
/// A scripted MarketFeed server on real Kestrel (127.0.0.1, ephemeral port): every accepted WebSocket gets a
/// welcome and is handed to the test as a <see cref="FakeFeedConnection"/>, which the test drives message by message.
/// </summary>
public sealed class FakeFeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<FakeFeedConnection> _accepted = Channel.CreateUnbounded<FakeFeedConnection>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<FakeFeedConnection> _all = new();

    private FakeFeedServer(long heartbeatMs)
    {
        HeartbeatMs = heartbeatMs;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Map("/ws/v1", HandleAsync);
    }

    /// <summary>heartbeatMs announced in the welcome (large by default so real-time tests never time out).</summary>
    public long HeartbeatMs { get; }

    public Uri Uri { get; private set; } = null!;

    /// <summary>When true, upgrade requests get 503 (a server that is down for the client's reconnect attempts).</summary>
    public bool RejectConnections { get; set; }

    public static async Task<FakeFeedServer> StartAsync(long heartbeatMs = 600_000)
    {
        var server = new FakeFeedServer(heartbeatMs);
        await server._app.StartAsync();
        string address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Uri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/v1");
        return server;
    }

    /// <summary>Waits for the next client connection (welcome already sent).</summary>
    public async Task<FakeFeedConnection> AcceptAsync() =>
        await _accepted.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Signal);

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || RejectConnections)
        {
            context.Response.StatusCode = RejectConnections ? 503 : 400;
            return;
        }

        string? protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("marketfeed.v1") ? "marketfeed.v1" : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
#pragma warning disable CA2000 // owned by _all: disposed when the fake server stops (tests keep using it after this handler returns)
        var connection = new FakeFeedConnection(socket, protocol);
#pragma warning restore CA2000
        _all.Enqueue(connection);
        await connection.SendWelcomeAsync(HeartbeatMs);
        _accepted.Writer.TryWrite(connection);
        await connection.RunAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
        foreach (var connection in _all)
        {
            connection.Dispose();
        }
    }
}
