using MarketFeed.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MarketFeed.IntegrationTests;

/// <summary>A real MarketFeed server (Kestrel) on a free loopback port, configured by command-line style args.</summary>
public sealed class FeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FeedServer(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
        WebSocketUri = new Uri(baseUri.ToString().Replace("https://", "wss://", StringComparison.Ordinal).Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/ws/v1");
    }

    /// <summary>http://127.0.0.1:PORT/</summary>
    public Uri BaseUri { get; }

    /// <summary>ws://127.0.0.1:PORT/ws/v1</summary>
    public Uri WebSocketUri { get; }

    /// <summary>Server services (engine, metrics) for assertions.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a server; <paramref name="args"/> are appended to the defaults (later wins).</summary>
    public static Task<FeedServer> StartAsync(params string[] args) => StartAsync(null, args);

    /// <summary>Starts a server whose clock (engine, heartbeats, replay pacing) is <paramref name="time"/>.</summary>
    public static Task<FeedServer> StartAsync(TimeProvider? time, params string[] args) => StartAsync(time, null, args);

    /// <summary>Starts a server after <paramref name="configure"/> adjusted its builder (e.g. a log capture).</summary>
    public static Task<FeedServer> StartWithAsync(Action<WebApplicationBuilder> configure, params string[] args) => StartAsync(null, configure, args);

    /// <summary>Starts a server; <paramref name="configure"/> adds to the host (e.g. a log capture).</summary>
    public static async Task<FeedServer> StartAsync(TimeProvider? time, Action<WebApplicationBuilder>? configure, params string[] args)
    {
        string[] all = ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:MarketFeed.Connection=Warning", .. args];
        var app = MarketFeedHost.Build(all, builder =>
        {
            if (time is not null)
            {
                builder.Services.AddSingleton(time);
            }

            configure?.Invoke(builder);
        });
        await app.StartAsync().ConfigureAwait(false);
        string url = app.Urls.First();
        return new FeedServer(app, new Uri(url.EndsWith('/') ? url : url + "/"));
    }

    /// <summary>Gets a service.</summary>
    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>Stops the server gracefully (clients get 1001).</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
