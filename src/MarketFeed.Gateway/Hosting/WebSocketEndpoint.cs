using MarketFeed.Gateway.Auth;
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

        var runtime = context.RequestServices.GetRequiredService<FeedRuntime>();
        var registry = context.RequestServices.GetRequiredService<ConnectionRegistry>();
        var authenticator = context.RequestServices.GetRequiredService<Authenticator>();

        // Refusals come before the socket exists: a plain HTTP status with a one-line reason.
        if (!OriginAllowed(context, context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<AuthOptions>>().Value))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "origin not allowed").ConfigureAwait(false);
            return;
        }

        AuthResult auth = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
        if (auth.Identity is not { } identity)
        {
            if (auth.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }

            await RefuseAsync(context, auth.Status, auth.Reason).ConfigureAwait(false);
            return;
        }

        if (!registry.TryReserve())
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var address = context.Connection.RemoteIpAddress;
        bool addressReserved = false;
        try
        {
            if (!registry.TryReserveFor(address))
            {
                await RefuseAsync(context, StatusCodes.Status429TooManyRequests, $"at most {runtime.Options.MaxConnectionsPerIp} connections from one address").ConfigureAwait(false);
                return;
            }

            addressReserved = true;
            if (!registry.TryReserveFor(identity))
            {
                await RefuseAsync(context, StatusCodes.Status403Forbidden, $"at most {identity.Entitlements.MaxConnections} connections for '{identity.Name}'").ConfigureAwait(false);
                return;
            }

            try
            {
                await RunConnectionAsync(context, runtime, registry, identity).ConfigureAwait(false);
            }
            finally
            {
                registry.ReleaseFor(identity);
            }
        }
        finally
        {
            if (addressReserved)
            {
                registry.ReleaseFor(address);
            }

            registry.Release();
        }
    }

    /// <summary>
    /// Browser pages send Origin: with an allow-list, only those origins; without one, with auth on,
    /// only the server's own (its dashboard); with auth off, any. No Origin (not a browser): allowed.
    /// </summary>
    private static bool OriginAllowed(HttpContext context, AuthOptions options)
    {
        string origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (options.AllowedOrigins.Count > 0)
        {
            foreach (string allowed in options.AllowedOrigins)
            {
                if (string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        if (!options.Enabled)
        {
            return true;
        }

        string self = context.Request.Scheme + "://" + context.Request.Host.Value;
        return string.Equals(origin, self, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsync("MarketFeed: " + reason).ConfigureAwait(false);
    }

    private static async Task RunConnectionAsync(HttpContext context, FeedRuntime runtime, ConnectionRegistry registry, ClientIdentity identity)
    {
        var services = context.RequestServices;
        string? subProtocol = context.WebSockets.WebSocketRequestedProtocols.Contains(SubProtocol) ? SubProtocol : null;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subProtocol,
            // permessage-deflate only when enabled and offered (Feed:Compression; see FeedOptions.Compression on why it is safe).
            DangerousEnableCompression = runtime.Options.Compression,
            // WebSocket pings that must be answered (MarketFeed heartbeats carry server time but need no answer).
            KeepAliveInterval = TimeSpan.FromMilliseconds(runtime.Options.PingIntervalMs),
            KeepAliveTimeout = runtime.Options.PingIntervalMs > 0 ? TimeSpan.FromMilliseconds(runtime.Options.PingTimeoutMs) : Timeout.InfiniteTimeSpan,
        }).ConfigureAwait(false);

        var connection = new Connection(socket, runtime, services.GetRequiredService<FeedMetrics>(), services.GetRequiredService<ILoggerFactory>().CreateLogger("MarketFeed.Connection"))
        {
            Replay = services.GetService<IReplayHandler>(),
            Identity = identity,
            Bars = services.GetService<Bars.BarService>(),
            Upstream = services.GetService<UpstreamNotice>(),
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
