using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Cli.Commands;

/// <summary>Options and helpers shared by the client commands.</summary>
internal static class CommonOptions
{
    /// <summary>Default server endpoint.</summary>
    public const string DefaultUrl = "ws://127.0.0.1:5080/ws/v1";

    /// <summary>The <c>--url</c> option (a ws:// or wss:// endpoint).</summary>
    public static Option<Uri> Url() => new("--url", "-u")
    {
        Description = "Server WebSocket endpoint; several endpoints of one scaled-out feed comma-separated (failover in turn)",
        DefaultValueFactory = _ => new Uri(DefaultUrl),
        CustomParser = ParseUrl,
    };

    /// <summary>A duration option accepting 500ms, 10s, 2m, 1h or hh:mm:ss.</summary>
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description + " (e.g. 500ms, 10s, 2m, 1h)",
        CustomParser = ParseDuration,
    };

    /// <summary>Client options for a command-line session.</summary>
    public static MarketFeedClientOptions ClientOptions(Uri url, bool autoReconnect) => new()
    {
        Uri = url,
        FailoverUris = url is EndpointList list ? [.. list.Failover] : [],
        AutoReconnect = autoReconnect,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>Writes an error line to stderr.</summary>
    public static void Error(string message) => Console.Error.WriteLine("marketfeed: " + message);

    /// <summary>
    /// Runs a command's connect-and-request step, reporting failures the same way for every
    /// command: null when it completed, else the exit code to return (ConnectionFailed,
    /// RequestFailed with "<paramref name="what"/> failed: ...", or Success when Ctrl+C came first).
    /// </summary>
    public static async Task<int?> RunRequestAsync(string what, Func<Task> step, CancellationToken cancellationToken)
    {
        try
        {
            await step();
            return null;
        }
        catch (MarketFeedConnectionException ex)
        {
            Error(ex.Message);
            return ExitCodes.ConnectionFailed;
        }
        catch (Exception ex) when (ex is MarketFeedRequestException or TimeoutException)
        {
            Error($"{what} failed: {ex.Message}");
            return ExitCodes.RequestFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Success;
        }
    }

    /// <summary>
    /// Connects and subscribes for the streaming commands: the ack, or null with the exit code to
    /// return (see <see cref="RunRequestAsync"/>; also RequestFailed when no symbol is known).
    /// </summary>
    public static async Task<(SubscribeAckMessage? Ack, int ExitCode)> ConnectAndSubscribeAsync(
        MarketFeedClient client, IReadOnlyList<string> symbols, DeliveryMode mode, int throttle, CancellationTokenSource stop)
    {
        SubscribeAckMessage? ack = null;
        if (await RunRequestAsync("subscribe", async () =>
            {
                await client.ConnectAsync(stop.Token);
                ack = await client.SubscribeAsync(symbols, mode, throttle, stop.Token);
            }, stop.Token) is { } exitCode)
        {
            return (null, exitCode);
        }

        if (ack!.Symbols.Count == 0)
        {
            Error($"none of the symbols is known to the server: {string.Join(", ", symbols)} (try 'marketfeed symbols')");
            return (null, ExitCodes.RequestFailed);
        }

        return (ack, ExitCodes.Success);
    }

    private static Uri? ParseUrl(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : DefaultUrl;
        var uris = new List<Uri>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri) || uri.Scheme is not ("ws" or "wss"))
            {
                result.AddError($"'{part}' is not a ws:// or wss:// URL (example: {DefaultUrl})");
                return null;
            }

            uris.Add(uri);
        }

        if (uris.Count == 0)
        {
            result.AddError($"--url needs a ws:// or wss:// URL (example: {DefaultUrl})");
            return null;
        }

        return uris.Count == 1 ? uris[0] : new EndpointList(uris[0], uris[1..]);
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (TryParseDuration(text, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        result.AddError($"'{text}' is not a positive duration (examples: 500ms, 10s, 2m, 1h, 00:01:30)");
        return null;
    }

    /// <summary>Parses 500ms / 10s / 2m / 1h / a plain number of seconds / a TimeSpan (hh:mm:ss).</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
            {
                value = TimeSpan.FromSeconds(n * seconds);
                return true;
            }
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain))
        {
            value = TimeSpan.FromSeconds(plain);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Parses a point in time: ISO-8601 text (UTC unless it has an offset) or a number with an explicit
    /// unit (<c>s</c>, <c>ms</c>, <c>us</c>, <c>ns</c>); bare numbers and other date forms are rejected
    /// (<see cref="TimeText"/>), <paramref name="error"/> says why and what is accepted.
    /// </summary>
    public static bool TryParseTime(string text, out long nanos, out string? error) => TimeText.TryParse(text, out nanos, out error);

    /// <summary>Parses a replay speed: "max" (as fast as the socket takes it) or a positive multiplier ("10", "10x", "0.5").</summary>
    public static bool TryParseSpeed(string text, out double speed)
    {
        text = text.Trim();
        if (text.Equals("max", StringComparison.OrdinalIgnoreCase))
        {
            speed = double.PositiveInfinity;
            return true;
        }

        if (text.EndsWith('x') || text.EndsWith('X'))
        {
            text = text[..^1];
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out speed) && speed > 0 && double.IsFinite(speed);
    }
}
