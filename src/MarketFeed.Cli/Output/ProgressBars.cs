using Spectre.Console;

namespace MarketFeed.Cli.Output;

/// <summary>Spectre.Console progress bars, shown only on an interactive terminal (plain output when redirected).</summary>
internal static class ProgressBars
{
    /// <summary>True if stdout is an interactive terminal, so a live progress display makes sense.</summary>
    public static bool Enabled => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>A progress display with description, bar, percentage and remaining time.</summary>
    public static Progress Create() => AnsiConsole.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    /// <summary>
    /// Runs <paramref name="work"/> with one progress task (values 0..100) when <see cref="Enabled"/>, otherwise
    /// without any display (the reporter does nothing).
    /// </summary>
    public static async Task<T> RunAsync<T>(string description, Func<Action<double>, Task<T>> work)
    {
        if (!Enabled)
        {
            return await work(static _ => { }).ConfigureAwait(false);
        }

        return await Create().StartAsync(async ctx =>
        {
            var task = ctx.AddTask(Markup.Escape(description), maxValue: 100);
            T result = await work(fraction => task.Value = Math.Clamp(fraction, 0, 1) * 100).ConfigureAwait(false);
            task.Value = 100;
            task.StopTask();
            return result;
        }).ConfigureAwait(false);
    }
}
