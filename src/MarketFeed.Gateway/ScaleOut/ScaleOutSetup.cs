using MarketFeed.Core;
using MarketFeed.Gateway.Diagnostics;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// Registers the scale-out role chosen by <c>ScaleOut:Role</c>. The default, <c>all</c>, registers
/// nothing: the single process never touches NATS.
/// </summary>
public static class ScaleOutSetup
{
    /// <summary>Reads and validates the section and registers the role's services.</summary>
    /// <exception cref="InvalidOperationException">A key is out of range or contradicts the role.</exception>
    public static void AddScaleOut(WebApplicationBuilder builder)
    {
        IConfigurationSection section = builder.Configuration.GetSection(ScaleOutOptions.SectionName);
        var options = new ScaleOutOptions();
        section.Bind(options);
        options.Validate();
        builder.Services.AddOptions<ScaleOutOptions>().Bind(section);
        string role = options.NormalizedRole;
        if (role == ScaleOutOptions.RoleAll)
        {
            return;
        }

        builder.Services.AddSingleton(sp =>
        {
            var status = new ScaleOutStatus(role);
            status.CreateInstruments(sp.GetRequiredService<MetricsScope>());
            return status;
        });
        if (role == ScaleOutOptions.RoleGateway)
        {
            // The role decides: a gateway's ticks come from NATS, whatever Feed:Source says (appsettings.json sets "simulator").
            builder.Configuration.AddInMemoryCollection([new("Feed:Source", "none")]);
            builder.Services.AddSingleton<GatewayBootstrap>();
            builder.Services.AddSingleton<Connections.UpstreamNotice>();
            builder.Services.AddHostedService<GatewayFeedService>();
        }
        else
        {
            // Registered before the sources' services, so it attaches to the idle engine before the first tick.
            builder.Services.AddSingleton<IngestPublisher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestPublisher>());
            builder.Services.AddSingleton<Hosting.ITickForwarder>(sp => sp.GetRequiredService<IngestPublisher>());
        }
    }

    /// <summary>
    /// The epoch the live engine must use: a gateway's comes from its ingest (this connects to NATS
    /// and blocks until the ingest's snapshot is read, or throws a start-up error); 0 otherwise.
    /// </summary>
    public static long EngineEpoch(IServiceProvider services, SymbolUniverse universe) =>
        services.GetService<GatewayBootstrap>() is { } gateway ? gateway.Start(universe) : 0;

    /// <summary>The /health section of a scale-out node, or null in the single process.</summary>
    public static Dictionary<string, object?>? Health(IServiceProvider services) => services.GetService<ScaleOutStatus>()?.Health();

    /// <summary>True if a scale-out node no longer carries the feed normally (upstream lost or failed).</summary>
    public static bool IsDegraded(IServiceProvider services) => services.GetService<ScaleOutStatus>() is { State: not "ok" };
}
