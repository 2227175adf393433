using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Diagnostics;

namespace MarketFeed.Gateway.Hosting;

/// <summary>The <c>/ws/v1</c> endpoint: accepts the upgrade and runs a <see cref="Connection"/>.</summary>
internal static class WebSocketEndpoint
{
    /// <summary>Endpoint path.</summary>
    public const string Path = "/ws/v1";

    /// <summary>Optional subprotocol.</summary>
    public const string SubProtocol = "marketfeed.v1";

    public static async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("MarketFeed: this endpoint takes WebSocket upgrades (see docs/protocol.md)").ConfigureAwait(false);
            return;
        }

        var services = context.RequestServices;
        var runtime = services.GetRequiredService<FeedRuntime>();
        var registry = services.GetRequiredService<ConnectionRegistry>();
        if (registry.IsShuttingDown || registry.Count >= runtime.Options.MaxConnections)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        string? subProtocol = context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol) ? SubProtocol : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subProtocol,
            DangerousEnableCompression = false,
            KeepAliveInterval = TimeSpan.Zero, // MarketFeed heartbeats carry server time instead
        }).ConfigureAwait(false);

        var connection = new Connection(socket, runtime, services.GetRequiredService<FeedMetrics>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("MarketFeed.Connection"))
        {
            Replay = services.GetService<IReplayHandler>(),
            Bars = services.GetService<Bars.BarService>(),
        };
        registry.Add(connection);
        try
        {
            await connection.RunAsync(context.Connection.RemoteIpAddress?.ToString()).ConfigureAwait(false);
        }
        finally
        {
            registry.Remove(connection);
        }
    }
}
