using System.CommandLine;
using MarketFeed.Cli.Commands;

namespace MarketFeed.Cli;

/// <summary>The <c>marketfeed</c> command tree; tests build it in-process and invoke it with arguments.</summary>
public static class CliApp
{
    /// <summary>Builds the root command with every sub-command registered.</summary>
    public static RootCommand CreateRootCommand() => new("marketfeed: command line tools for the MarketFeed market-data server")
    {
        // One file per command under Commands/, each exposing `static Command Create()`; register new ones here.
        TailCommand.Create(),
        SymbolsCommand.Create(),
        PingCommand.Create(),
        ImportCommand.Create(),
        InspectCommand.Create(),
        CatalogCommand.Create(),
        BarsCommand.Create(),
        ReplayCommand.Create(),
        RecordCommand.Create(),
        GenerateSampleCommand.Create(),
        ExportCommand.Create(),
    };

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        CreateRootCommand().Parse(args).InvokeAsync(null, cancellationToken);
}
