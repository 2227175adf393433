using System.Text.Json;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Sources;

namespace MarketFeed.Gateway.Hosting;

/// <summary>
/// Kubernetes-style probes (public, like <c>/health</c>; they reveal states, not data):
/// <c>/healthz</c> (liveness: 200 while the process serves HTTP) and <c>/readyz</c> (readiness: 200
/// when the tick source runs, the recorder (if on) is healthy and the server is not shutting down;
/// 503 with the failing checks otherwise). docs/operations.md, "HTTP endpoints".
/// </summary>
internal static class ProbeEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("""{"status":"alive"}""", "application/json"));

        app.MapGet("/readyz", (SourceStatus source, RecordingService recording, ConnectionRegistry registry, IServiceProvider services) =>
        {
            var failing = new List<string>();
            if (!source.IsRunning)
            {
                failing.Add("source");
            }

            if (recording.IsFailed)
            {
                failing.Add("recorder");
            }

            if (registry.IsShuttingDown)
            {
                failing.Add("shutdown");
            }

            if (ScaleOut.ScaleOutSetup.IsDegraded(services))
            {
                failing.Add("upstream"); // a scale-out node without its NATS feed (docs/scale-out.md)
            }

            string body = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["status"] = failing.Count == 0 ? "ready" : "not_ready",
                ["failing"] = failing,
                ["source"] = source.State,
                ["sourceError"] = source.Error,
                ["recorder"] = recording.Recorder is null ? "off" : recording.IsFailed ? "failed" : "ok",
                ["shuttingDown"] = registry.IsShuttingDown,
            });
            return Results.Text(body, "application/json", statusCode: failing.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
