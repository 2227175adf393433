using MarketFeed.Cli;

return await CliApp.RunAsync(args);
