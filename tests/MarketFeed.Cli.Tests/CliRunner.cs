using Spectre.Console;

namespace MarketFeed.Cli.Tests;

/// <summary>Runs <c>marketfeed</c> in-process with stdout/stderr (Console and AnsiConsole) captured.</summary>
public static class CliRunner
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(TimeSpan.FromSeconds(60), args);

    /// <summary>Runs with a cancellation (like Ctrl+C) after <paramref name="cancelAfter"/>.</summary>
    public static async Task<CliResult> RunAsync(TimeSpan cancelAfter, params string[] args)
    {
        await Gate.WaitAsync();
        var oldOut = Console.Out;
        var oldError = Console.Error;
        var oldAnsi = AnsiConsole.Console;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        try
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            var console = AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(stdout),
            });
            console.Profile.Width = 4096;
            AnsiConsole.Console = console;
            var config = new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr };
            using var timeout = new CancellationTokenSource(cancelAfter);
            int exit = await CliApp.RunAsync(args, config, timeout.Token);
            return new CliResult(exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            AnsiConsole.Console = oldAnsi;
            Gate.Release();
        }
    }
}
