using MarketFeed.Gateway.Auth;
using MarketFeed.Gateway.Diagnostics;
using OpenTelemetry.Metrics;

namespace MarketFeed.Gateway.Hosting;

/// <summary>
/// <c>/metrics</c>: every instrument of the <c>MarketFeed.Server</c> meter (<see cref="FeedMetrics"/>,
/// the recorder's) exported by OpenTelemetry's Prometheus exporter. Classic Prometheus naming: dots
/// become underscores, the unit is appended (<c>By</c> → <c>_bytes</c>, <c>s</c> → <c>_seconds</c>;
/// <c>{annotations}</c> add nothing) and counters end in <c>_total</c>.
/// </summary>
internal static class MetricsExport
{
    /// <summary>Path of the scrape endpoint.</summary>
    public const string Path = "/metrics";

    /// <summary>Registers the meter provider with the Prometheus exporter.</summary>
    public static void AddServices(WebApplicationBuilder builder)
    {
        var scope = new MetricsScope();
        builder.Services.AddSingleton(scope);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(FeedMetrics.MeterName)
            // Meters are process-wide: another host's meter of the same name (tests run several servers in one process) is not ours.
            .AddView(instrument => instrument.Meter.Name == FeedMetrics.MeterName && !scope.Owns(instrument.Meter) ? MetricStreamConfiguration.Drop : null)
            .AddPrometheusExporter(o =>
            {
                // Every scrape collects afresh (a scrape costs well under a millisecond here).
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                // No otel_scope_* labels on every sample and no target_info family: one meter, one process.
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            }));
    }

    /// <summary>
    /// Maps the scrape endpoint. With authentication on it needs the same credential as the
    /// WebSocket (any valid API key or token): 401 otherwise.
    /// </summary>
    public static void MapEndpoint(WebApplication app)
    {
        // The instruments exist from the start, not from the first connection.
        _ = app.Services.GetRequiredService<FeedMetrics>();
        app.MapPrometheusScrapingEndpoint(Path, meterProvider: null, configureBranchedPipeline: branch => branch.Use(RequireCredentialAsync), optionsName: null);
    }

    private static async Task RequireCredentialAsync(HttpContext context, RequestDelegate next)
    {
        var authenticator = context.RequestServices.GetRequiredService<Authenticator>();
        if (authenticator.Enabled)
        {
            AuthResult result = await authenticator.AuthenticateAsync(context).ConfigureAwait(false);
            if (result.Identity is null)
            {
                context.Response.StatusCode = result.Status;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsync("MarketFeed: " + result.Reason).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
