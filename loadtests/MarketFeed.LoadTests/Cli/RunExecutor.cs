using System.Globalization;
using MarketFeed.LoadTests.Console;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Reports;
using MarketFeed.LoadTests.Running;
using MarketFeed.LoadTests.Thresholds;

namespace MarketFeed.LoadTests.Cli;

/// <summary>Runs plans, writes the report folder, and turns the outcome into an exit code
/// (0 = all passed, 2 = a threshold failed or a run stopped on failures, 1 = the harness failed).</summary>
public static class RunExecutor
{
    /// <summary>Runs every plan (each scenario variant on each target) and writes one report.</summary>
    public static async Task<int> ExecuteAsync(IReadOnlyList<RunPlan> plans, RunnerSettings settings, string reportFolder, string title, string commandLine, bool noLive, CancellationToken cancellationToken)
    {
        var results = new List<RunResult>();
        var notes = new List<string>();
        var runner = new ScenarioRunner(settings);
        foreach (var plan in plans)
        {
            if (plan.Scenario.Unavailable is { } why)
            {
                notes.Add($"{plan.Scenario.Name}: skipped: {why}");
                settings.Log($"[{plan.Scenario.Name}] skipped: {why}");
                continue;
            }

            foreach (var target in plan.Targets)
            {
                if (!plan.Scenario.Supports(target))
                {
                    notes.Add($"{plan.Scenario.Name}: not run against {target}");
                    continue;
                }

                foreach (var definition in plan.Scenario.Build(plan.Options))
                {
                    var rules = target == TargetKind.MarketFeed || plan.ThresholdsForAll ? plan.Thresholds : ThresholdSet.None;
                    var result = await LiveConsole.RunAsync(noLive, sink => runner.RunAsync(definition, target, rules, sink, cancellationToken)).ConfigureAwait(false);
                    results.Add(result);
                }
            }
        }

        AddComparisons(results, notes);
        ReportWriter.Write(reportFolder, title, commandLine, results, notes);
        settings.Log($"report: {Path.GetFullPath(Path.Combine(reportFolder, "report.md"))}");
        foreach (var n in notes)
        {
            settings.Log("note: " + n);
        }

        int failed = 0;
        foreach (var r in results)
        {
            foreach (var t in r.Thresholds)
            {
                if (!t.Passed)
                {
                    string during = t.BreachedAtSeconds is { } at ? $" (breached during the run at {at:0}s)" : string.Empty;
                    settings.Log($"THRESHOLD FAILED [{r.Label}] {t.Threshold}: actual {(t.Actual is { } a ? a.ToString("0.###", CultureInfo.InvariantCulture) : "n/a")}{during}");
                }
            }

            failed += r.Passed ? 0 : 1;
        }

        // A plain closing line that CI runners read as a test summary.
        System.Console.WriteLine($"{results.Count - failed} passed, {failed} failed");
        return failed == 0 ? 0 : 2;
    }

    /// <summary>Adds cross-run comparisons: MarketFeed vs SignalR, stallers vs baseline.</summary>
    private static void AddComparisons(List<RunResult> results, List<string> notes)
    {
        foreach (var mf in results)
        {
            if (mf.Target != TargetKind.MarketFeed)
            {
                continue;
            }

            var sr = results.Find(r => r.Target == TargetKind.SignalR && r.Scenario == mf.Scenario && r.Variant == mf.Variant);
            if (sr is not null && sr.DeliveredPerSecond > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{mf.Scenario}/{mf.Variant}: MarketFeed delivered {mf.DeliveredPerSecond / sr.DeliveredPerSecond:0.00}x SignalR's updates/s; p99 {mf.Metric("p99"):0.###} ms vs {sr.Metric("p99"):0.###} ms"));
            }
        }

        foreach (var withStallers in results)
        {
            if (withStallers.Variant != "stallers")
            {
                continue;
            }

            var baseline = results.Find(r => r.Target == withStallers.Target && r.Scenario == withStallers.Scenario && r.Variant == "baseline");
            if (baseline?.Metric("p99") is { } b && withStallers.Metric("p99") is { } s && b > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{withStallers.Label}: fast clients' p99 {s:0.###} ms vs {b:0.###} ms without stallers ({(s / b - 1) * 100:+0;-0}%); server RSS end {withStallers.ServerMemoryEndMb:0} MB vs {baseline.ServerMemoryEndMb:0} MB"));
            }
        }

        foreach (var burst in results)
        {
            if (burst.Variant != "burst")
            {
                continue;
            }

            var baseline = results.Find(r => r.Target == burst.Target && r.Scenario == burst.Scenario && r.Variant == "baseline");
            if (baseline?.Metric("p99") is { } b && burst.Metric("p99") is { } s && b > 0 && baseline.DeliveredPerSecond > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{burst.Label}: live clients' p99 {s:0.###} ms vs {b:0.###} ms without replays ({(s / b - 1) * 100:+0;-0}%), delivered {burst.DeliveredPerSecond:N0} vs {baseline.DeliveredPerSecond:N0} updates/s ({(burst.DeliveredPerSecond / baseline.DeliveredPerSecond - 1) * 100:+0;-0}%); {burst.ReplayRuns} replays at {burst.ReplayTicksPerSecond:N0} ticks/s, {burst.ReplayErrors} replay errors, {burst.Gaps} gaps"));
            }
        }
    }
}
