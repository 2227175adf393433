using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using MarketFeed.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MessagePack;

namespace MarketFeed.Cli.Tests;

/// <summary>
/// A scripted MarketFeed server on real Kestrel (loopback, ephemeral port) for the CLI's network commands: each
/// connection gets a welcome, then every control request is recorded and handed to <see cref="Handler"/>, which
/// answers with frames through the send delegate it is given. (Same approach as the unit tests' FakeFeedServer.)
/// </summary>
public sealed class FakeReplayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeReplayServer(Func<ControlRequest, Func<Action<FrameBuilder>, Task>, Task> handler)
    {
        Handler = handler;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Map("/ws/v1", HandleAsync);
    }

    public Uri Uri { get; private set; } = null!;

    /// <summary>Every request received, in order.</summary>
    public ConcurrentQueue<ControlRequest> Requests { get; } = new();

    /// <summary>Answers one request; the second argument builds and sends one frame.</summary>
    public Func<ControlRequest, Func<Action<FrameBuilder>, Task>, Task> Handler { get; }

    public static async Task<FakeReplayServer> StartAsync(Func<ControlRequest, Func<Action<FrameBuilder>, Task>, Task> handler)
    {
        var server = new FakeReplayServer(handler);
        await server._app.StartAsync();
        string address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Uri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/v1");
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        string? protocol = context.WebSockets.WebSocketRequestedProtocols.Contains("marketfeed.v1") ? "marketfeed.v1" : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        using var sendLock = new SemaphoreSlim(1, 1);
        async Task SendAsync(Action<FrameBuilder> build)
        {
            using var builder = new FrameBuilder(1024);
            build(builder);
            var frame = builder.Complete();
            await sendLock.WaitAsync();
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            }
            finally
            {
                sendLock.Release();
            }
        }

        await SendAsync(b => b.Add(0, static (ref MessagePackWriter w, int _) => MessageEncoder.WriteStatus(ref w, "welcome",
        [
            new("server", "MarketFeed"),
            new("protocol", 1L),
            new("connectionId", "c-cli-test"),
            new("heartbeatMs", 600_000L),
        ])));

        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), context.RequestAborted);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                    }

                    return;
                }

                var request = result.MessageType == WebSocketMessageType.Binary
                    ? ControlRequestParser.ParseMessagePack(buffer.AsMemory(0, count).ToArray())
                    : ControlRequestParser.ParseJson(buffer.AsSpan(0, count));
                Requests.Enqueue(request);
                await Handler(request, SendAsync);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
