using System.Globalization;
using System.Text;
using System.Text.Json;
using MarketFeed.SignalRBaseline;
using MarketFeed.Sources.Simulation;
using MarketFeed.Sources.Universe;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// The baseline a .NET team would build instead of MarketFeed: one SignalR hub, MessagePack hub
// protocol, one group per symbol, every tick sent to its group. Configured for throughput as the
// SignalR docs advise: binary MessagePack protocol, WebSockets transport only, detailed errors off,
// larger application/transport buffers, no per-message logging.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--rate"] = "Simulator:TicksPerSecond",
    ["--seed"] = "Simulator:Seed",
    ["--universe"] = "Universe",
});
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddOptions<SimulatorOptions>().Bind(builder.Configuration.GetSection(SimulatorOptions.SectionName));
string universePath = builder.Configuration["Universe"] ?? Path.Combine(AppContext.BaseDirectory, "config", "symbols.csv");
builder.Services.AddSingleton(new BaselineFeed(SymbolUniverseFile.Load(universePath)));
builder.Services.AddSignalR(o =>
{
    o.EnableDetailedErrors = false;
    o.MaximumReceiveMessageSize = 64 * 1024;
    o.MaximumParallelInvocationsPerClient = 1;
}).AddMessagePackProtocol();
builder.Services.AddHostedService<SimulatorPump>();

var app = builder.Build();
app.UseWebSockets();
app.MapHub<FeedHub>("/hub", o =>
{
    o.Transports = HttpTransportType.WebSockets;
    o.ApplicationMaxBufferSize = 1024 * 1024;
    o.TransportMaxBufferSize = 1024 * 1024;
});
app.MapGet("/api/symbols", (BaselineFeed feed) =>
{
    var list = new List<Dictionary<string, object>>(feed.Universe.Count);
    foreach (var s in feed.Universe.Symbols)
    {
        list.Add(new Dictionary<string, object> { ["symbol"] = s.Name, ["id"] = s.Id });
    }

    return Results.Text(JsonSerializer.Serialize(list), "application/json");
});
app.MapGet("/health", (BaselineFeed feed) => Results.Text(
    JsonSerializer.Serialize(new Dictionary<string, object> { ["status"] = "ok", ["connections"] = feed.Connections, ["ticksIn"] = feed.TicksIn }),
    "application/json"));
app.MapGet("/metrics", (BaselineFeed feed) =>
{
    using var process = System.Diagnostics.Process.GetCurrentProcess();
    var sb = new StringBuilder(512);
    Append(sb, "signalr_baseline_ticks_in_total", feed.TicksIn);
    Append(sb, "signalr_baseline_group_sends_total", feed.Sends);
    Append(sb, "signalr_baseline_connections", feed.Connections);
    Append(sb, "process_working_set_bytes", process.WorkingSet64);
    Append(sb, "dotnet_gc_heap_bytes", GC.GetGCMemoryInfo().HeapSizeBytes);
    Append(sb, "process_cpu_seconds_total", process.TotalProcessorTime.TotalSeconds);
    return Results.Text(sb.ToString(), "text/plain; version=0.0.4");

    static void Append(StringBuilder sb, string name, double value) =>
        sb.Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
});

app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    foreach (string url in addresses)
    {
        Console.WriteLine($"SignalRBaseline listening on {url}  Hub: {url.TrimEnd('/')}/hub");
    }
});

await app.RunAsync().ConfigureAwait(false);
