using Spectre.Console;

namespace MarketFeed.Cli.Output;

/// <summary>Keeps Spectre.Console from wrapping or truncating lines when output is not a terminal (pipes, files).</summary>
internal static class ConsoleWidth
{
    /// <summary>When stdout is redirected, make the console wide enough that nothing wraps.</summary>
    public static void AvoidWrapping()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 4096;
        }
    }
}
