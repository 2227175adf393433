using System.CommandLine;
using System.Globalization;
using MarketFeed.Client;
using MarketFeed.Core;

namespace MarketFeed.Cli.Commands;

/// <summary><c>marketfeed ping</c>: measure round-trip time to the server.</summary>
internal static class PingCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var count = new Option<int>("--count", "-n") { Description = "Number of pings", DefaultValueFactory = _ => 4 };
        var interval = CommonOptions.Duration("--interval", "Time between pings");
        var command = new Command("ping", "Ping the server and print round-trip times") { url, count, interval };
        command.SetAction((parseResult, cancellationToken) => RunAsync(
            parseResult.GetValue(url)!,
            Math.Max(1, parseResult.GetValue(count)),
            parseResult.GetValue(interval) ?? TimeSpan.FromSeconds(1),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, int count, TimeSpan interval, CancellationToken cancellationToken)
    {
        await using var client = new MarketFeedClient(CommonOptions.ClientOptions(url, autoReconnect: false));
        var rtts = new List<double>();
        int? exitCode = await CommonOptions.RunRequestAsync("ping", async () =>
            {
                await client.ConnectAsync(cancellationToken);
                Console.WriteLine($"connected to {url} (connection {Convert.ToString(client.ServerDetails?.GetValueOrDefault("connectionId"), CultureInfo.InvariantCulture) ?? "?"})");
                for (int i = 0; i < count; i++)
                {
                    if (i > 0)
                    {
                        await Task.Delay(interval, cancellationToken);
                    }

                    var pong = await client.PingAsync(cancellationToken);
                    double ms = pong.RoundTripTime.TotalMilliseconds;
                    rtts.Add(ms);
                    // Offset estimate assumes a symmetric path: server clock minus the client clock at mid-flight.
                    double offsetMs = (pong.ServerTime - pong.ClientTime - (pong.RoundTripTime.Ticks * 100 / 2)) / (double)UnixTime.NanosPerMillisecond;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pong {i + 1}: rtt {ms:0.000} ms, server time {UnixTime.Format(pong.ServerTime)} (clock offset {offsetMs:+0.000;-0.000} ms)"));
                }
            }, cancellationToken);
        if (exitCode is { } failed and not ExitCodes.Success)
        {
            return failed; // Ctrl+C (Success) still prints the summary of the pongs so far
        }

        if (rtts.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rtts.Count} pongs: rtt min/avg/max = {rtts.Min():0.000}/{rtts.Average():0.000}/{rtts.Max():0.000} ms"));
        }

        return ExitCodes.Success;
    }
}
