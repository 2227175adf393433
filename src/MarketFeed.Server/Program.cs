using MarketFeed.Gateway.Hosting;

var app = MarketFeedHost.Build(args);
await app.RunAsync().ConfigureAwait(false);
