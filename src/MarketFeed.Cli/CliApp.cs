using System.CommandLine;
using MarketFeed.Cli.Commands;

namespace MarketFeed.Cli;

/// <summary>The <c>marketfeed</c> command tree; tests build it in-process and invoke it with arguments.</summary>
public static class CliApp
{
    /// <summary>The exit code of every command-line error, whether the parser or a command finds it (docs/client.md).</summary>
    public const int UsageExitCode = ExitCodes.Usage;

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
        RunAsync(args, null, cancellationToken);

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command with <paramref name="configuration"/> (output writers);
    /// returns the process exit code. A parse error (unknown command or option, missing or unparsable argument)
    /// prints the parser's message and exits <see cref="UsageExitCode"/> (64), like the commands' own argument checks:
    /// System.CommandLine's default of 1 would read as "cannot connect".
    /// </summary>
    public static async Task<int> RunAsync(string[] args, InvocationConfiguration? configuration, CancellationToken cancellationToken = default)
    {
        var parse = CreateRootCommand().Parse(args);
        int exit = await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        return parse.Errors.Count > 0 ? UsageExitCode : exit;
    }
}
