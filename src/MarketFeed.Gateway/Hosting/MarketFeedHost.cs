using MarketFeed.Core;
using MarketFeed.Gateway.Auth;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Replay;
using MarketFeed.Sources.Universe;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.TickLog;
using MarketFeed.Gateway.Options;
using MarketFeed.Gateway.Sources;
using MarketFeed.Sources.Simulation;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Hosting;

/// <summary>Wires the feed into an ASP.NET Core application.</summary>
public static class MarketFeedHost
{
    /// <summary>Command-line shortcuts: <c>--rate</c>, <c>--seed</c>, <c>--universe</c>, <c>--source</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string> SwitchMappings = new Dictionary<string, string>
    {
        ["--rate"] = "Simulator:TicksPerSecond",
        ["--seed"] = "Simulator:Seed",
        ["--universe"] = "Feed:UniverseFile",
        ["--source"] = "Feed:Source",
    };

    /// <summary>
    /// Builds the web application: configuration from config/appsettings*.json, environment and
    /// command line; options validated on start; the feed services.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, WebRootPath = FindWebRoot() });
        string configDir = ConfigPaths.Directory;
        string environment = builder.Environment.EnvironmentName;
        builder.Configuration
            .AddJsonFile(Path.Combine(configDir, "appsettings.json"), optional: true, reloadOnChange: false)
            .AddJsonFile(Path.Combine(configDir, $"appsettings.{environment}.json"), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine(args, new Dictionary<string, string>(SwitchMappings));
        builder.WebHost.UseKestrelHttpsConfiguration();
        TlsCertificateProvider.AddTo(builder);
        // ASP.NET Core's request lines (Information) print the query string, where a browser's
        // access_token travels: never below Warning, whatever the configuration says (docs/operations.md, Logs).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        ConfigureSocketSendBuffer(builder);
        ConfigureHandshakeTimeout(builder);
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<FeedOptions>>((o, feed) => o.ShutdownTimeout = TimeSpan.FromMilliseconds(feed.Value.ShutdownTimeoutMs));

        builder.Services.AddOptions<FeedOptions>().Bind(builder.Configuration.GetSection(FeedOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddOptions<SimulatorOptions>().Bind(builder.Configuration.GetSection(SimulatorOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddOptions<ReplayOptions>().Bind(builder.Configuration.GetSection(ReplayOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddOptions<AuthOptions>().Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddSingleton<Authenticator>();
        builder.Services.AddOptions<BarOptions>().Bind(builder.Configuration.GetSection(BarOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddOptions<RecordingOptions>().Bind(builder.Configuration.GetSection(RecordingOptions.SectionName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var replay = sp.GetRequiredService<IOptions<ReplayOptions>>().Value;
            string dataDirectory = Path.GetFullPath(replay.DataDirectory);
            if (replay.ImportSamples)
            {
                ImportSamples(dataDirectory, sp.GetRequiredService<ILoggerFactory>().CreateLogger("MarketFeed"));
            }

            return new DatasetCatalog(dataDirectory);
        });
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<FeedOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("MarketFeed");
            SymbolUniverse universe;
            if (options.Source == "replay")
            {
                universe = DatasetUniverse(sp.GetRequiredService<DatasetCatalog>(), sp.GetRequiredService<IOptions<ReplayOptions>>().Value.Dataset);
                ServerLog.UniverseLoaded(logger, universe.Count, "dataset");
            }
            else
            {
                string path = ConfigPaths.Resolve(options.UniverseFile);
                universe = SymbolUniverseFile.Load(path);
                ServerLog.UniverseLoaded(logger, universe.Count, path);
            }

            // A scale-out gateway takes its ingest's epoch (and its state from the ingest's snapshot);
            // otherwise, with recording on, a clean shutdown left the sequence state next to the logs: continue it.
            long epoch = ScaleOut.ScaleOutSetup.EngineEpoch(sp, universe);
            SequenceState? restore = epoch != 0 ? null : RecordingService.RestoreSequenceState(sp.GetRequiredService<IOptions<RecordingOptions>>().Value, universe, logger);
            return new FeedRuntime(universe, options, sp.GetRequiredService<TimeProvider>(), restore, epoch);
        });
        builder.Services.AddSingleton<SourceStatus>();
        ScaleOut.ScaleOutSetup.AddScaleOut(builder); // before the sources' hosted services: see docs/scale-out.md
        builder.Services.AddSingleton<ReplayHandler>();
        builder.Services.AddSingleton<IReplayHandler>(sp => sp.GetRequiredService<ReplayHandler>());
        builder.Services.AddHostedService<ReplaySourceService>();
        builder.Services.AddSingleton<RecordingService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RecordingService>());
        builder.Services.AddSingleton<Bars.BarService>();
        builder.Services.AddSingleton<ConnectionRegistry>();
        builder.Services.AddSingleton(sp =>
        {
            var runtime = sp.GetRequiredService<FeedRuntime>();
            var registry = sp.GetRequiredService<ConnectionRegistry>();
            return new FeedMetrics(runtime.Engine, () => registry.Count, registry.MaxQueueDepth, registry.CountByIdentity, sp.GetRequiredService<MetricsScope>());
        });
        MetricsExport.AddServices(builder);
        builder.Services.AddHostedService<SimulatorService>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseWebSockets();
        app.UseDefaultFiles();
        app.Use(static (context, next) =>
        {
            // The dashboard's source maps (691 KB of readable source) only when configured.
            if (context.Request.Path.Value?.EndsWith(".map", StringComparison.OrdinalIgnoreCase) == true
                && !context.RequestServices.GetRequiredService<IOptions<FeedOptions>>().Value.ServeSourceMaps)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
        app.UseStaticFiles();
        app.Map(WebSocketEndpoint.Path, WebSocketEndpoint.HandleAsync);
        HttpEndpoints.Map(app);
        ProbeEndpoints.Map(app);
        AdminEndpoints.Map(app);

        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStopping.Register(() => app.Services.GetRequiredService<ConnectionRegistry>().CloseAll());
        lifetime.ApplicationStarted.Register(() => PrintUrls(app));

        // Resolve eagerly so a bad universe file (or key file) fails the start, not the first connection.
        _ = app.Services.GetRequiredService<FeedRuntime>();
        var auth = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
        _ = app.Services.GetRequiredService<Authenticator>();
        var startLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MarketFeed");
        if (auth.Enabled)
        {
            ServerLog.AuthEnabled(startLogger, auth.ApiKeys.Count, auth.Jwt.IsConfigured ? "on" : "off", auth.AllowedOrigins.Count > 0 ? string.Join(' ', auth.AllowedOrigins) : "own origin only");
        }
        else
        {
            ServerLog.AuthDisabled(startLogger);
        }

        _ = app.Services.GetRequiredService<Bars.BarService>(); // attaches the live bar store before the first tick
        return app;
    }

    private static void ImportSamples(string dataDirectory, ILogger logger)
    {
        try
        {
            foreach (string written in SampleDatasets.EnsureImported(Path.Combine(ConfigPaths.Directory, "datasets"), dataDirectory))
            {
                ServerLog.SampleImported(logger, written);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or MarketFeed.Sources.Import.ImportException)
        {
            // The live feed does not depend on the samples: report and carry on.
            ServerLog.SampleImportFailed(logger, ex);
        }
    }

    private static SymbolUniverse DatasetUniverse(DatasetCatalog catalog, string? dataset)
    {
        if (string.IsNullOrEmpty(dataset) || !catalog.TryGet(dataset, out var info))
        {
            throw new InvalidOperationException($"Feed:Source=replay needs Replay:Dataset naming a tick log in {catalog.Directory} (found: {string.Join(", ", catalog.List().Select(d => d.Name))})");
        }

        return TickLogUniverse.From(info.Symbols);
    }

    /// <summary>
    /// A TCP connection must complete its upgrade request within <c>Feed:HandshakeTimeoutMs</c>:
    /// Kestrel's keep-alive timeout covers a connection that sends nothing, its request-headers
    /// timeout one that sends part of a request (Kestrel checks both about once a second).
    /// </summary>
    private static void ConfigureHandshakeTimeout(WebApplicationBuilder builder)
    {
        int ms = builder.Configuration.GetValue($"{FeedOptions.SectionName}:{nameof(FeedOptions.HandshakeTimeoutMs)}", new FeedOptions().HandshakeTimeoutMs);
        if (ms <= 0)
        {
            return; // Validate() rejects it on start with the key's name
        }

        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Limits.KeepAliveTimeout = TimeSpan.FromMilliseconds(ms);
            o.Limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(ms);
        });
    }

    /// <summary>
    /// Sets SO_SNDBUF on the listening sockets; on Linux accepted sockets inherit it (and with it
    /// autotuning is off), so a stalled reader fills at most this much kernel buffer before the
    /// server's send pends and the slow-consumer timeout starts.
    /// </summary>
    private static void ConfigureSocketSendBuffer(WebApplicationBuilder builder)
    {
        int bytes = builder.Configuration.GetValue($"{FeedOptions.SectionName}:{nameof(FeedOptions.SocketSendBufferBytes)}", new FeedOptions().SocketSendBufferBytes);
        if (bytes <= 0)
        {
            return;
        }

        builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = endpoint =>
        {
            var socket = Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
            if (socket.AddressFamily is System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                socket.SendBufferSize = bytes;
            }

            return socket;
        });
    }

    private static void PrintUrls(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MarketFeed");
        foreach (string url in app.Urls)
        {
            string ws = url.Replace("http://", "ws://", StringComparison.Ordinal).Replace("https://", "wss://", StringComparison.Ordinal).TrimEnd('/') + WebSocketEndpoint.Path;
            ServerLog.Listening(logger, url, ws);
            Console.WriteLine($"MarketFeed listening on {url}  (dashboard)  WebSocket: {ws}");
        }
    }

    /// <summary>
    /// The dashboard: wwwroot next to the binaries (published), else the project's wwwroot that the
    /// build generates (bin/CONFIG/TFM/ is three levels below the project), whatever the working directory.
    /// </summary>
    private static string? FindWebRoot()
    {
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "wwwroot"),
            Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "wwwroot")),
        ];
        foreach (string candidate in candidates)
        {
            if (File.Exists(Path.Combine(candidate, "index.html")))
            {
                return candidate;
            }
        }

        return null;
    }
}
