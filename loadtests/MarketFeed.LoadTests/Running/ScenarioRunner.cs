using System.Globalization;
using System.Text.Json;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Scenarios;
using MarketFeed.LoadTests.Simulation;
using MarketFeed.LoadTests.Thresholds;

namespace MarketFeed.LoadTests.Running;

/// <summary>
/// Runs one scenario variant against one target: starts the server (child process) unless a URL
/// is given, runs init, executes the load simulation while sampling every second, checks
/// thresholds during and after the run, stops on too many failures, runs clean, stops the server.
/// </summary>
public sealed class ScenarioRunner(RunnerSettings settings)
{
    /// <summary>Runs <paramref name="definition"/> against <paramref name="target"/>.</summary>
    public async Task<RunResult> RunAsync(ScenarioDefinition definition, TargetKind target, ThresholdSet thresholds, ILiveSink live, CancellationToken cancellationToken)
    {
        var result = new RunResult
        {
            Scenario = definition.Name,
            Variant = definition.Variant,
            Target = target,
            Description = definition.Description,
            Load = definition.Load.ToString(),
            TickRate = definition.TickRate,
        };
        settings.Log($"[{result.Label}] {definition.Description}; load: {definition.Load}; warm-up {definition.Warmup.TotalSeconds:0.#}s");

        await using var server = await StartServerAsync(definition, target, cancellationToken).ConfigureAwait(false);
        Uri baseUri = server?.BaseUri ?? (target == TargetKind.MarketFeed ? settings.MarketFeedUrl : settings.SignalRUrl)
            ?? throw new InvalidOperationException("no target URL");
        settings.Log($"[{result.Label}] target {baseUri}{(server is null ? string.Empty : $" (child pid {server.Pid})")}");

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var symbols = await FetchSymbolsAsync(http, baseUri, cancellationToken).ConfigureAwait(false);
        var context = new RunContext(baseUri, symbols.Count);
        var scenarioContext = new ScenarioContext(baseUri, http, symbols, settings.Log);
        if (definition.Init is { } init)
        {
            await init(scenarioContext).ConfigureAwait(false);
        }

        var probe = new Measurements.ServerProbe(http, baseUri, server?.Pid);
        var before = await probe.ReadAsync(cancellationToken).ConfigureAwait(false);
        result.ServerMemoryBeforeMb = before.ResidentBytes / 1048576.0;
        double heapBeforeMb = before.HeapBytes >= 0 ? before.HeapBytes / 1048576.0 : double.NaN;

        using var runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pool = new ClientPool(definition, target, context, symbols, runCts.Token);
        var sampler = new Sampler(definition, result, context, pool, probe, thresholds, live, settings, before, heapBeforeMb);
        var planTask = ExecutePlanAsync(definition.Load, pool, context, runCts.Token);
        var samplerTask = sampler.RunAsync(planTask, runCts);
        try
        {
            await planTask.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (runCts.IsCancellationRequested)
        {
        }

        await sampler.FinishAsync(samplerTask).ConfigureAwait(false);
        await runCts.CancelAsync().ConfigureAwait(false);
        await pool.DrainAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        sampler.CollectCloses();
        sampler.CollectReplays();
        sampler.CollectReconnects();
        if (definition.Clean is { } clean)
        {
            await clean(scenarioContext).ConfigureAwait(false);
        }

        foreach (var rule in thresholds.Rules)
        {
            double? actual = result.Metric(rule.Metric);
            bool passed = rule.IsMet(actual) && sampler.FirstBreach(rule) is null;
            result.Thresholds.Add(new ThresholdOutcome(rule, actual, passed, sampler.FirstBreach(rule)));
        }

        settings.Log($"[{result.Label}] done: {result.DeliveredPerSecond:N0} updates/s, p99 {Fmt(result.Metric("p99"))} ms, errors {result.Errors}, gaps {result.Gaps}{(result.StoppedOnFailures ? ", STOPPED on failures" : string.Empty)}");
        return result;
    }

    private static string Fmt(double? v) => v is { } d ? d.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";

    private async Task<ServerProcess?> StartServerAsync(ScenarioDefinition definition, TargetKind target, CancellationToken cancellationToken)
    {
        if ((target == TargetKind.MarketFeed ? settings.MarketFeedUrl : settings.SignalRUrl) is not null)
        {
            return null;
        }

        var args = new List<string>
        {
            "--urls", "http://127.0.0.1:0",
            "--rate", definition.TickRate.ToString(CultureInfo.InvariantCulture),
            "--seed", definition.Seed.ToString(CultureInfo.InvariantCulture),
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:MarketFeed.Connection=Warning",
        };
        string dll = settings.SignalRDll;
        if (target == TargetKind.MarketFeed)
        {
            dll = settings.ServerDll;
            args.AddRange(definition.ServerArgs);
            args.AddRange(settings.ExtraServerArgs);
        }

        return await ServerProcess.StartAsync(dll, args, TimeSpan.FromSeconds(60), settings.ServerCpus, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<string>> FetchSymbolsAsync(HttpClient http, Uri baseUri, CancellationToken cancellationToken)
    {
        string json = await http.GetStringAsync(new Uri(baseUri, "/api/symbols"), cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(json);
        var list = new List<(int Id, string Name)>();
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            list.Add((e.GetProperty("id").GetInt32(), e.GetProperty("symbol").GetString() ?? string.Empty));
        }

        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        var names = new List<string>(list.Count);
        foreach (var (_, name) in list)
        {
            names.Add(name);
        }

        return names;
    }

    private static async Task ExecutePlanAsync(LoadSimulation load, ClientPool pool, RunContext context, CancellationToken cancellationToken)
    {
        var clock = context.Clock;
        foreach (var step in load.Steps)
        {
            var stepStart = clock.Elapsed;
            var stepEnd = stepStart + step.During;
            switch (step.Kind)
            {
                case LoadStepKind.RampingConstant:
                {
                    int from = pool.ActiveCount;
                    int delta = step.Connections - from;
                    int done = 0;
                    int total = Math.Abs(delta);
                    // Bounded: at most one iteration per millisecond of the step, plus one.
                    while (done < total && !cancellationToken.IsCancellationRequested)
                    {
                        var now = clock.Elapsed;
                        while (done < total)
                        {
                            var scheduled = stepStart + (step.During * ((done + 1) / (double)total));
                            if (scheduled > now)
                            {
                                break;
                            }

                            if (delta > 0)
                            {
                                pool.Start(scheduled);
                            }
                            else
                            {
                                pool.StopOne();
                            }

                            done++;
                        }

                        if (done < total)
                        {
                            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    break;
                }

                case LoadStepKind.KeepConstant:
                    while (pool.ActiveCount < step.Connections)
                    {
                        pool.Start(stepStart);
                    }

                    while (pool.ActiveCount > step.Connections)
                    {
                        pool.StopOne();
                    }

                    break;
                case LoadStepKind.Pause:
                    pool.StopAll();
                    break;
                case LoadStepKind.IterationsForConstant:
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    limit.CancelAfter(step.During);
                    var workers = new Task[step.Connections];
                    for (int w = 0; w < workers.Length; w++)
                    {
                        workers[w] = Task.Run(
                            async () =>
                            {
                                for (int i = 0; i < step.Iterations && !limit.IsCancellationRequested; i++)
                                {
                                    await pool.RunIterationAsync(limit.Token).ConfigureAwait(false);
                                }
                            },
                            CancellationToken.None);
                    }

                    await Task.WhenAll(workers).ConfigureAwait(false);
                    continue;
                }
            }

            var remaining = stepEnd - clock.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
