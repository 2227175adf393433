using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary>
/// <c>marketfeed replay</c>: drive a replay session over the protocol (docs/protocol.md section 6), print or save what
/// arrives, show progress over the replay's time range and a summary at the replay end.
/// </summary>
internal static class ReplayCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var dataset = new Option<string>("--dataset", "-d") { Description = "Dataset name (see 'marketfeed catalog')", Required = true };
        var symbols = new Option<string[]>("--symbols", "-s") { Description = "Symbols to replay, comma separated (default: all of the dataset)", AllowMultipleArgumentsPerToken = true };
        var from = TimeOption("--from", "Start: ISO-8601 (2013-10-07T13:30:00Z; UTC unless an offset is given) or a number with its unit (1381152600s, ...ms, ...us, ...ns); default: dataset start");
        var to = TimeOption("--to", "End (inclusive): ISO-8601 or a number with its unit; default: dataset end");
        var speed = new Option<double?>("--speed") { Description = "1 = real time, 10 = ten times faster, 0.5, or max (as fast as the socket takes it); default 1", CustomParser = ParseSpeed };
        var mode = new Option<string>("--mode", "-m") { Description = "full (every tick) or conflated (latest state)", DefaultValueFactory = _ => "full" };
        mode.AcceptOnlyFromAmong("full", "conflated");
        var throttle = new Option<int>("--throttle", "-t") { Description = "Conflated mode: max updates per second per symbol (0 = unthrottled)" };
        var output = new Option<string?>("--output", "-o") { Description = "Save updates to FILE.csv or FILE.mflog instead of printing them" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not print updates (progress bar and summary only)" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per line" };
        var skipDamage = new Option<bool>("--skip-damage") { Description = "Go on past damaged parts of the dataset (default: the replay ends at the first, exit 3)" };
        var continueLive = new Option<bool>("--continue-live") { Description = "At the end of the range continue live on the replay's symbols until Ctrl+C (the live recording joins without a gap; other datasets switch with a snapshot)" };

        var command = new Command("replay", "Replay a dataset window at a chosen speed and print or save the ticks")
        {
            url, dataset, symbols, from, to, speed, mode, throttle, output, quiet, json, skipDamage, continueLive,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var request = new ReplayRequest(parseResult.GetValue(dataset)!)
            {
                Symbols = SplitSymbols(parseResult.GetValue(symbols)),
                From = parseResult.GetValue(from),
                To = parseResult.GetValue(to),
                Speed = parseResult.GetValue(speed),
                Mode = parseResult.GetValue(mode) == "conflated" ? DeliveryMode.Conflated : DeliveryMode.Full,
                Throttle = parseResult.GetValue(throttle) is > 0 and int t ? t : null,
                SkipDamage = parseResult.GetValue(skipDamage),
                ContinueLive = parseResult.GetValue(continueLive),
            };
            return RunAsync(parseResult.GetValue(url)!, request, parseResult.GetValue(output), parseResult.GetValue(quiet), parseResult.GetValue(json), cancellationToken);
        });
        return command;
    }

    /// <summary>Splits "A,B" and repeated values into a symbol list; null when none are given.</summary>
    internal static List<string>? SplitSymbols(string[]? values)
    {
        if (values is null)
        {
            return null;
        }

        var list = new List<string>();
        foreach (string v in values)
        {
            foreach (string s in v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                list.Add(s);
            }
        }

        return list.Count == 0 ? null : list;
    }

    internal static Option<long?> TimeOption(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
            if (CommonOptions.TryParseTime(text, out long ns, out string? error))
            {
                return ns;
            }

            r.AddError($"{name}: {error}");
            return null;
        },
    };

    private static double? ParseSpeed(ArgumentResult r)
    {
        string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : string.Empty;
        if (CommonOptions.TryParseSpeed(text, out double speed))
        {
            return speed;
        }

        r.AddError($"'{text}' is not a speed (examples: 1, 10, 0.5, max)");
        return null;
    }

    private static IUpdateSink? CreateSink(string path, IReadOnlyList<SymbolRef> symbols, string source) =>
        Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".mflog" => new TickLogSink(path, symbols, source),
            ".csv" => new CsvUpdateSink(path),
            _ => null,
        };

    private static async Task<int> RunAsync(Uri url, ReplayRequest request, string? output, bool quiet, bool json, CancellationToken cancellationToken)
    {
        if (output is not null && !(output.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || output.EndsWith(".mflog", StringComparison.OrdinalIgnoreCase)))
        {
            CommonOptions.Error($"--output must end in .csv or .mflog: {output}");
            return ExitCodes.Usage;
        }

        if (request.From is { } f && request.To is { } t && t < f)
        {
            CommonOptions.Error("--to is before --from");
            return ExitCodes.Usage;
        }

        var options = CommonOptions.ClientOptions(url, autoReconnect: false);

        // Full mode must not lose ticks in the client: stop reading the socket rather than drop (the server paces a
        // 'max' replay by the socket).
        options.OverflowPolicy = MessageOverflowPolicy.Wait;
        await using var client = new MarketFeedClient(options);
        ReplayStartMessage? started = null;
        if (await CommonOptions.RunRequestAsync("replay", async () =>
            {
                await client.ConnectAsync(cancellationToken);
                started = await client.ReplayAsync(request, cancellationToken);
            }, cancellationToken) is { } exitCode)
        {
            return exitCode;
        }

        ReplayStartMessage start = started!;

        IUpdateSink? sink;
        try
        {
#pragma warning disable CA2000 // disposed by the using below; created inside try only to report its I/O errors
            sink = output is null ? null : CreateSink(output, start.Symbols, $"replay {start.Dataset} {UnixTime.Format(start.From)}..{UnixTime.Format(start.To)} from {url}");
#pragma warning restore CA2000
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            CommonOptions.Error($"cannot write {output}: {ex.Message}");
            return ExitCodes.Failed;
        }

        using (sink)
        {
            bool print = sink is null && !quiet;
            var printer = new FeedPrinter(client, json, showHeartbeats: false);
            if (!json)
            {
                AnsiConsole.MarkupLine(
                    $"[blue]replay {start.ReplayId.ToString(CultureInfo.InvariantCulture)}[/] {Markup.Escape(start.Dataset)}: {Markup.Escape(UnixTime.Format(start.From))} .. {Markup.Escape(UnixTime.Format(start.To))} " +
                    $"at {Markup.Escape(start.Speed)}, {start.Mode.Name()}, {start.Symbols.Count.ToString(CultureInfo.InvariantCulture)} symbol(s)" +
                    (sink is null ? string.Empty : " -> " + Markup.Escape(sink.Path)));
            }

            var session = new ReplaySession(client, start, sink, print ? printer : null);
            var outcome = print
                ? await session.RunAsync(static _ => { }, cancellationToken)
                : await ProgressBars.RunAsync($"replay {start.Dataset}", report => session.RunAsync(report, cancellationToken));
            sink?.Flush();
            PrintSummary(session, outcome, json);
            if (session.Ticks == 0 && outcome.ExitCode == ExitCodes.Success)
            {
                await WarnEmptyWindowAsync(client, request, cancellationToken);
            }

            return outcome.ExitCode;
        }
    }

    /// <summary>A replay that delivered nothing says why: the window against the dataset's own range.</summary>
    private static async Task WarnEmptyWindowAsync(MarketFeedClient client, ReplayRequest request, CancellationToken cancellationToken)
    {
        string window = $"{(request.From is { } f ? UnixTime.Format(f) : "start")} .. {(request.To is { } t ? UnixTime.Format(t) : "end")}";
        string range = "unknown";
        try
        {
            foreach (var d in await client.GetCatalogAsync(cancellationToken))
            {
                if (d.Dataset == request.Dataset)
                {
                    range = d.TickCount == 0 ? "no ticks at all" : $"{UnixTime.Format(d.From)} .. {UnixTime.Format(d.To)}";
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            range = "unknown (catalog request failed: " + ex.Message + ")";
        }

        CommonOptions.Error($"warning: the window {window} holds no data for the chosen symbols; dataset {request.Dataset} spans {range}");
    }

    private static void PrintSummary(ReplaySession session, ReplaySession.Outcome outcome, bool json)
    {
        var inv = CultureInfo.InvariantCulture;
        double seconds = Math.Max(outcome.Elapsed.TotalSeconds, 1e-9);
        string text = string.Create(inv, $"replay {outcome.Reason}: {session.Ticks:N0} ticks received") +
            (outcome.ServerTicksSent is { } sent ? string.Create(inv, $" (server sent {sent:N0})") : string.Empty) +
            string.Create(inv, $" in {outcome.Elapsed.TotalSeconds:F3} s, {session.Ticks / seconds:N0} ticks/s") +
            (session.Sink is { } sink ? string.Create(inv, $"; {sink.Written:N0} written to {sink.Path}") : string.Empty);
        if (json)
        {
            Console.Error.WriteLine(text);
        }
        else
        {
            AnsiConsole.WriteLine(text);
        }

        foreach (var d in outcome.Damage ?? [])
        {
            // Where the data is missing: the offset in the dataset's file and the time range the lost ticks lie in.
            string after = d.AfterTimestamp == 0 ? "the start" : UnixTime.Format(d.AfterTimestamp);
            string before = d.BeforeTimestamp == 0 ? "the end" : UnixTime.Format(d.BeforeTimestamp);
            Console.Error.WriteLine(string.Create(inv, $"DAMAGE {d.Kind} at offset {d.Offset:N0} ({d.Length:N0} bytes), ticks written between {after} and {before}: {d.Description}"));
        }
    }
}
