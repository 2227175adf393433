using System.CommandLine;
using System.Globalization;
using MarketFeed.Client;
using MarketFeed.Core;
using Spectre.Console;

namespace MarketFeed.Cli.Commands;

/// <summary><c>marketfeed symbols</c>: print the server's symbol directory as a table.</summary>
internal static class SymbolsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var url = CommonOptions.Url();
        var match = new Argument<string?>("match") { Description = "Optional case-insensitive prefix of the symbol name", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("symbols", "List the server's symbols with their reference data") { match, url };
        command.SetAction((parseResult, cancellationToken) => RunAsync(parseResult.GetValue(url)!, parseResult.GetValue(match), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Uri url, string? match, CancellationToken cancellationToken)
    {
        await using var client = new MarketFeedClient(CommonOptions.ClientOptions(url, autoReconnect: false));
        IReadOnlyList<SymbolInfo> symbols = [];
        if (await CommonOptions.RunRequestAsync("symbols", async () =>
            {
                await client.ConnectAsync(cancellationToken);
                symbols = await client.GetSymbolsAsync(match, cancellationToken);
            }, cancellationToken) is { } exitCode)
        {
            return exitCode;
        }

        Output.ConsoleWidth.AvoidWrapping();
        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("Symbol", "Id", "Description", "Currency", "Tick size", "Lot size", "Price dp", "Size dp");
        foreach (var s in symbols)
        {
            table.AddRow(
                Markup.Escape(s.Name),
                s.Id.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(s.Description),
                Markup.Escape(s.Currency),
                FixedPoint.Format(s.TickSize, s.PriceDecimals),
                FixedPoint.Format(s.LotSize, s.SizeDecimals),
                s.PriceDecimals.ToString(CultureInfo.InvariantCulture),
                s.SizeDecimals.ToString(CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]{symbols.Count} symbols[/]");
        return ExitCodes.Success;
    }
}
