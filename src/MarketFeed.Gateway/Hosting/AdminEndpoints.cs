using System.Text.Json;
using MarketFeed.Core;
using MarketFeed.Gateway.Auth;
using MarketFeed.Gateway.Connections;

namespace MarketFeed.Gateway.Hosting;

/// <summary>
/// <c>GET /api/admin/connections</c>: every open connection with its identity, address,
/// subscriptions, lag and send queue. With auth on it needs a credential whose profile has
/// <c>Admin: true</c>: 401 without a valid credential, 403 with one that is not admin. With auth
/// off it is as open as everything else (docs/operations.md, "HTTP endpoints").
/// </summary>
internal static class AdminEndpoints
{
    public const string ConnectionsPath = "/api/admin/connections";

    public static void Map(WebApplication app)
    {
        app.MapGet(ConnectionsPath, (ConnectionRegistry registry, FeedRuntime runtime) =>
        {
            var list = new List<Dictionary<string, object?>>();
            foreach (Connection c in registry.Connections)
            {
                var subscriptions = new List<Dictionary<string, object>>();
                int full = 0;
                foreach (var (symbolId, mode) in c.Subscriptions())
                {
                    full += mode == DeliveryMode.Full ? 1 : 0;
                    subscriptions.Add(new Dictionary<string, object>
                    {
                        ["symbol"] = runtime.Universe.Symbols[symbolId].Name,
                        ["mode"] = mode == DeliveryMode.Full ? "full" : "conflated",
                    });
                }

                list.Add(new Dictionary<string, object?>
                {
                    ["id"] = c.Id,
                    ["identity"] = c.Identity.Name,
                    ["auth"] = c.Identity.Kind,
                    ["remoteAddress"] = c.RemoteAddress,
                    ["connectedAt"] = c.ConnectedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["mode"] = subscriptions.Count == 0 ? "none" : full == 0 ? "conflated" : full == subscriptions.Count ? "full" : "mixed",
                    ["subscriptions"] = subscriptions,
                    ["journalLag"] = c.QueueDepth,
                    ["sendQueueBytes"] = c.QueuedBytes(),
                    ["closeCode"] = c.CloseCode,
                });
            }

            return Results.Text(JsonSerializer.Serialize(list), "application/json");
        }).AddEndpointFilter(RequireAdminAsync);
    }

    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var authenticator = context.HttpContext.RequestServices.GetRequiredService<Authenticator>();
        if (authenticator.Enabled)
        {
            AuthResult result = await authenticator.AuthenticateAsync(context.HttpContext).ConfigureAwait(false);
            if (result.Identity is null)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Text("MarketFeed: " + result.Reason, statusCode: result.Status);
            }

            if (!result.Identity.Entitlements.Admin)
            {
                return Results.Text($"MarketFeed: '{result.Identity.Name}' is not an admin (profile needs Admin: true)", statusCode: StatusCodes.Status403Forbidden);
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
