using System.CommandLine;
using System.Globalization;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary><c>marketfeed catalog</c>: list the datasets the server can replay.</summary>
internal static class CatalogCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var command = new Command("catalog", "List the datasets available for replay (name, symbols, time range, ticks)") { url };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(url)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, CancellationToken cancellationToken)
    {
        await using var client = new MarketFeedClient(CommonOptions.ClientOptions(url, autoReconnect: false));
        IReadOnlyList<CatalogEntry> datasets = [];
        if (await CommonOptions.RunRequestAsync("catalog", async () =>
            {
                await client.ConnectAsync(cancellationToken);
                datasets = await client.GetCatalogAsync(cancellationToken);
            }, cancellationToken) is { } exitCode)
        {
            return exitCode;
        }

        ConsoleWidth.AvoidWrapping();
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("Dataset", "Symbols", "From (UTC)", "To (UTC)", "Span", "Ticks", "State", "Flagged");
        foreach (var d in datasets)
        {
            string symbols = d.Symbols.Count <= 8
                ? string.Join(",", d.Symbols)
                : string.Join(",", d.Symbols.Take(8)) + string.Create(inv, $",... (+{d.Symbols.Count - 8})");
            table.AddRow(
                Markup.Escape(d.Dataset),
                Markup.Escape(symbols),
                d.TickCount == 0 ? "-" : UnixTime.Format(d.From),
                d.TickCount == 0 ? "-" : UnixTime.Format(d.To),
                d.TickCount == 0 ? "-" : TimeSpan.FromTicks((d.To - d.From) / 100).ToString(@"d\.hh\:mm\:ss", inv),
                d.TickCount.ToString("N0", inv),
                d.State switch
                {
                    CatalogEntry.Intact => "intact",
                    CatalogEntry.Damaged => string.Create(inv, $"[red]damaged[/]: {d.Readable:N0} readable"),
                    _ => "[yellow]" + Markup.Escape(d.State) + "[/]",
                },
                FlagText(d, inv));
        }

        AnsiConsole.Write(table);
        foreach (var d in datasets)
        {
            if (d.Damage is not null)
            {
                AnsiConsole.WriteLine($"DAMAGED {d.Dataset}: {d.Damage}");
            }
        }

        AnsiConsole.MarkupLine($"[grey]{datasets.Count.ToString(inv)} datasets[/]");
        return ExitCodes.Success;
    }

    /// <summary>How many ticks carry each tick flag (e.g. <c>suspicious 12, sizeUnknown 0</c>); <c>?</c> from a server that does not say.</summary>
    private static string FlagText(CatalogEntry d, CultureInfo inv)
    {
        if (d.FlagCounts is null)
        {
            return "?";
        }

        var parts = new List<string>(d.FlagCounts.Count);
        foreach (var (flag, count) in d.FlagCounts)
        {
            parts.Add(string.Create(inv, $"{flag} {count:N0}"));
        }

        return Markup.Escape(string.Join(", ", parts));
    }
}
