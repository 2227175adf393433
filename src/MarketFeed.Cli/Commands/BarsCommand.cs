using System.CommandLine;
using System.Globalization;
using System.Text;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Core.Bars;
using MarketFeed.Protocol;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary><c>marketfeed bars</c>: OHLCV bars of one symbol, live or from a dataset, printed or written as CSV.</summary>
internal static class BarsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var symbol = new Argument<string>("symbol") { Description = "Symbol, e.g. AAPL" };
        var interval = new Option<string>("--interval", "-i") { Description = "Bar interval: N followed by s, m, h or d (the live feed keeps 1s, 1m, 5m by default)", DefaultValueFactory = _ => "1m" };
        var dataset = new Option<string?>("--dataset", "-d") { Description = "Bars of a replay dataset instead of the live feed" };
        var from = ReplayCommand.TimeOption("--from", "Bars starting at or after this time (ISO-8601 UTC or ns)");
        var to = ReplayCommand.TimeOption("--to", "Bars starting at or before this time");
        var last = new Option<int?>("--last", "-n") { Description = "Only the newest N bars" };
        var output = new Option<string?>("--output", "-o") { Description = "Write CSV to FILE instead of printing a table (pages through long ranges)" };
        var command = new Command("bars", "Print or save OHLCV bars (open/high/low/close from trades; quote mid where a bar had no trade)")
        {
            url, symbol, interval, dataset, from, to, last, output,
        };
        command.SetAction((parse, ct) => RunAsync(
            parse.GetValue(url)!, parse.GetValue(symbol)!, parse.GetValue(interval)!, parse.GetValue(dataset),
            parse.GetValue(from), parse.GetValue(to), parse.GetValue(last), parse.GetValue(output), ct));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, string symbol, string interval, string? dataset, long? from, long? to, int? last, string? output, CancellationToken cancellationToken)
    {
        if (!BarInterval.TryParse(interval, out _))
        {
            CommonOptions.Error($"'{interval}' is not a bar interval (N followed by s, m, h or d, e.g. 1m)");
            return ExitCodes.Usage;
        }

        await using var client = new MarketFeedClient(CommonOptions.ClientOptions(url, autoReconnect: false));
        var pages = new List<BarsMessage>();
        if (await CommonOptions.RunRequestAsync("bars", async () =>
            {
                await client.ConnectAsync(cancellationToken);
                long? pageFrom = from;
                while (true)
                {
                    var page = await client.GetBarsAsync(symbol, interval, pageFrom, to, last, dataset, cancellationToken);
                    pages.Add(page);
                    if (page.Complete || page.Bars.Count == 0 || last is not null || output is null)
                    {
                        break; // a table shows one page; a CSV file gets the whole range
                    }

                    pageFrom = page.Bars[^1].Start + 1;
                }
            }, cancellationToken) is { } exitCode)
        {
            return exitCode;
        }

        BarsMessage first = pages[0];
        if (output is not null)
        {
            long rows = WriteCsv(output, pages);
            AnsiConsole.MarkupLine($"[grey]{rows.ToString("N0", CultureInfo.InvariantCulture)} {Markup.Escape(first.Interval)} bars of {Markup.Escape(first.Symbol)} written to {Markup.Escape(output)}[/]");
            return ExitCodes.Success;
        }

        ConsoleWidth.AvoidWrapping();
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("Start (UTC)", "Open", "High", "Low", "Close", "Volume", "Trades", "");
        foreach (var b in first.Bars)
        {
            table.AddRow(
                UnixTime.Format(b.Start),
                Price(b.Open, first.PriceDecimals),
                Price(b.High, first.PriceDecimals),
                Price(b.Low, first.PriceDecimals),
                Price(b.Close, first.PriceDecimals),
                Price(b.Volume, first.SizeDecimals),
                b.Count.ToString(CultureInfo.InvariantCulture),
                (b.Basis == BarBasis.QuoteMid ? "mid" : string.Empty) + (b.Closed ? string.Empty : " open"));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{first.Bars.Count.ToString(CultureInfo.InvariantCulture)} {Markup.Escape(first.Interval)} bars of {Markup.Escape(first.Symbol)}{(first.Complete ? string.Empty : " (more in range: use --from, or -o FILE for all)")}[/]");
        return ExitCodes.Success;
    }

    private static long WriteCsv(string path, List<BarsMessage> pages)
    {
        var csv = new StringBuilder("start_utc,start_ns,symbol,interval,open,high,low,close,volume,trades,basis,closed\n");
        long rows = 0;
        foreach (var page in pages)
        {
            foreach (var b in page.Bars)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{UnixTime.Format(b.Start)},{b.Start},{page.Symbol},{page.Interval},")
                    .Append(CultureInfo.InvariantCulture, $"{Price(b.Open, page.PriceDecimals)},{Price(b.High, page.PriceDecimals)},{Price(b.Low, page.PriceDecimals)},{Price(b.Close, page.PriceDecimals)},")
                    .Append(CultureInfo.InvariantCulture, $"{Price(b.Volume, page.SizeDecimals)},{b.Count},{(b.Basis == BarBasis.QuoteMid ? "mid" : "trades")},{(b.Closed ? "true" : "false")}\n");
                rows++;
            }
        }

        File.WriteAllText(path, csv.ToString());
        return rows;
    }

    private static string Price(long value, int decimals) => FixedPoint.Format(value, decimals);
}
