using MarketFeed.Gateway.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = MarketFeedHost.Build(args);
    await app.RunAsync().ConfigureAwait(false);
}
catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException)
{
    // A configuration the server cannot start with (bad option, NATS unreachable, a certificate that
    // does not load): one clear line and exit code 2 (docs/operations.md), not a stack trace.
    await Console.Error.WriteLineAsync("MarketFeed cannot start: " + ex.Message).ConfigureAwait(false);
    Environment.ExitCode = 2;
}
