using System.CommandLine;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Cli.Commands;

/// <summary><c>marketfeed tail</c>: subscribe and print decoded updates until a count, a duration or Ctrl+C.</summary>
internal static class TailCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var symbols = new Argument<string[]>("symbols") { Description = "Symbols to subscribe to (e.g. AAPL MSFT)", Arity = ArgumentArity.OneOrMore };
        var mode = new Option<string>("--mode", "-m") { Description = "conflated (latest state) or full (every tick)", DefaultValueFactory = _ => "conflated" };
        mode.AcceptOnlyFromAmong("conflated", "full");
        var throttle = new Option<int>("--throttle", "-t") { Description = "Max updates per second per symbol, conflated mode (0 = unthrottled)" };
        throttle.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--throttle must be 0 or positive");
            }
        });
        var count = new Option<long?>("--count", "-n") { Description = "Exit after this many quote/trade updates" };
        var duration = CommonOptions.Duration("--duration", "Exit after this long");
        var json = new Option<bool>("--json") { Description = "Print one JSON object per line" };
        var heartbeats = new Option<bool>("--heartbeats") { Description = "Also print heartbeats and pongs" };

        var command = new Command("tail", "Subscribe to symbols and print decoded quotes and trades")
        {
            symbols, url, mode, throttle, count, duration, json, heartbeats,
        };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(url)!,
            parseResult.GetValue(symbols)!,
            parseResult.GetValue(mode) == "full" ? DeliveryMode.Full : DeliveryMode.Conflated,
            parseResult.GetValue(throttle),
            parseResult.GetValue(count),
            parseResult.GetValue(duration),
            parseResult.GetValue(json),
            parseResult.GetValue(heartbeats),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, string[] symbols, DeliveryMode mode, int throttle, long? count, TimeSpan? duration, bool json, bool heartbeats, CancellationToken cancellationToken)
    {
        await using var client = new MarketFeedClient(CommonOptions.ClientOptions(url, autoReconnect: true));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (duration is { } d)
        {
            stop.CancelAfter(d);
        }

        var printer = new FeedPrinter(client, json, heartbeats);
        var (ack, exitCode) = await CommonOptions.ConnectAndSubscribeAsync(client, symbols, mode, throttle, stop);
        if (ack is null)
        {
            return exitCode;
        }

        long updates = 0;
        try
        {
            await foreach (var message in client.ReadAllAsync(stop.Token))
            {
                printer.Print(message);
                if (message is QuoteMessage or TradeMessage && ++updates >= count)
                {
                    return ExitCodes.Success;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }

        // The stream ended on its own: the client closed for good (non-retryable close code).
        CommonOptions.Error("connection closed: " + (client.LastDisconnect?.ToString() ?? "unknown reason"));
        return ExitCodes.ConnectionFailed;
    }
}
