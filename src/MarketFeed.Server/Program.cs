using MarketFeed.Server.Hosting;

var app = MarketFeedHost.Build(args);
await app.RunAsync().ConfigureAwait(false);

/// <summary>Entry point (a class so tests can reference the assembly).</summary>
public partial class Program;
