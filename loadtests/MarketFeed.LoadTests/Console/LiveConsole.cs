using MarketFeed.LoadTests.Running;
using Spectre.Console;

namespace MarketFeed.LoadTests.Console;

/// <summary>Chooses the live output: a Spectre.Console live table on an interactive terminal, plain lines when
/// output is redirected, <c>CI</c> is set, or <c>--no-live</c> is given.</summary>
public static class LiveConsole
{
    /// <summary>True when a live table can be drawn.</summary>
    public static bool IsInteractive(bool noLive) =>
        !noLive && !System.Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="body"/> with a live sink.</summary>
    public static async Task<T> RunAsync<T>(bool noLive, Func<ILiveSink, Task<T>> body)
    {
        if (!IsInteractive(noLive))
        {
            return await body(new PlainLiveSink(System.Console.Out)).ConfigureAwait(false);
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("metric").AddColumn("value");
        var sink = new SpectreLiveSink(table);
        T result = default!;
        await AnsiConsole.Live(table).AutoClear(false).StartAsync(async ctx =>
        {
            sink.Attach(ctx);
            result = await body(sink).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return result;
    }
}
