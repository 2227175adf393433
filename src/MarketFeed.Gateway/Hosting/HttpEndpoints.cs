using System.Text.Json;
using MarketFeed.Gateway.Auth;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Sources;

namespace MarketFeed.Gateway.Hosting;

/// <summary>HTTP endpoints beside the WebSocket: health, metrics, symbol directory, catalog.</summary>
internal static class HttpEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/health", (FeedRuntime runtime, ConnectionRegistry registry, RecordingService recording, IServiceProvider services) => Results.Text(
            JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["status"] = registry.IsShuttingDown ? "stopping" : recording.IsDegraded || ScaleOut.ScaleOutSetup.IsDegraded(services) ? "degraded" : "ok",
                ["recording"] = recording.Health(),
                ["uptimeSeconds"] = Math.Round((runtime.Time.GetUtcNow() - runtime.StartedAt).TotalSeconds, 1),
                ["connections"] = registry.Count,
                ["symbols"] = runtime.Universe.Count,
                ["ticksIn"] = runtime.Engine.TicksIn,
                ["source"] = runtime.Options.Source,
                ["epoch"] = runtime.Engine.Epoch,
                ["globalSequence"] = runtime.Engine.GlobalSequence,
                ["scaleOut"] = ScaleOut.ScaleOutSetup.Health(services),
            }),
            "application/json"));

        MetricsExport.MapEndpoint(app);

        app.MapGet("/api/symbols", (FeedRuntime runtime) =>
        {
            var list = new List<Dictionary<string, object>>(runtime.Universe.Count);
            foreach (var s in runtime.Universe.Symbols)
            {
                list.Add(new Dictionary<string, object>
                {
                    ["symbol"] = s.Name,
                    ["id"] = s.Id,
                    ["description"] = s.Description,
                    ["currency"] = s.Currency,
                    ["priceDecimals"] = s.PriceDecimals,
                    ["sizeDecimals"] = s.SizeDecimals,
                    ["tickSize"] = s.TickSize,
                    ["lotSize"] = s.LotSize,
                    ["referencePrice"] = s.ReferencePrice,
                });
            }

            return Results.Text(JsonSerializer.Serialize(list), "application/json");
        }).AddEndpointFilter(RequireCredentialAsync);

        app.MapGet("/api/catalog", (IServiceProvider services) =>
        {
            var catalog = services.GetService<IReplayHandler>()?.Catalog() ?? [];
            var list = new List<Dictionary<string, object?>>();
            foreach (var d in catalog)
            {
                list.Add(new Dictionary<string, object?>
                {
                    ["dataset"] = d.Dataset,
                    ["symbols"] = d.Symbols,
                    ["from"] = d.From,
                    ["to"] = d.To,
                    ["tickCount"] = d.TickCount,
                    ["state"] = d.State,
                    ["readableTicks"] = d.Readable,
                    ["damage"] = d.Damage,
                    ["flagCounts"] = d.FlagCounts,
                });
            }

            return Results.Text(JsonSerializer.Serialize(list), "application/json");
        }).AddEndpointFilter(RequireCredentialAsync);
    }

    /// <summary>
    /// With authentication on, /metrics and /api/* need the same credential as the WebSocket (any
    /// valid API key or token): 401 otherwise. /health and the dashboard's files stay public.
    /// </summary>
    private static async ValueTask<object?> RequireCredentialAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
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
        }

        return await next(context).ConfigureAwait(false);
    }
}
