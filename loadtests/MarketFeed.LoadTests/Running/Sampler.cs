using System.Diagnostics;
using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Measurements;
using MarketFeed.LoadTests.Scenarios;
using MarketFeed.LoadTests.Thresholds;

namespace MarketFeed.LoadTests.Running;

/// <summary>
/// The once-a-second sampler of a run: interval latency histograms, delivered updates and bytes,
/// connections, server and load-generator CPU/memory; ends the warm-up, checks thresholds while
/// running, and stops the run on too many failures.
/// </summary>
/// <remarks>Single-threaded: <see cref="RunAsync"/> then <see cref="FinishAsync"/> and <see cref="CollectCloses"/>, in order.</remarks>
internal sealed class Sampler(
    ScenarioDefinition definition,
    RunResult result,
    RunContext context,
    ClientPool pool,
    ServerProbe probe,
    ThresholdSet thresholds,
    ILiveSink live,
    RunnerSettings settings,
    ProcessStats before,
    double heapBeforeMb)
{
    private readonly Dictionary<VirtualClient, long> _baseline = [];
    private readonly Dictionary<Threshold, double> _breaches = [];
    private readonly List<(double T, double Drops)> _serverDrops = [];
    private bool _warmDone;
    private TimeSpan _warmStart;
    private long _baseUpdates;
    private long _baseBytes;
    private long _baseFrames;
    private long _framesNow;
    private double _serverCpuAtWarm;
    private double _clientCpuAtWarm;
    private double _lastT;
    private double _lastTCpu;
    private long _lastUpdates;
    private long _lastBytes;
    private double _lastServerCpu = before.CpuSeconds;
    private double _lastClientCpu = CpuSecondsOfSelf();
    private double _serverCpuNow;
    private double _clientCpuNow;
    private long _updatesNow;
    private long _bytesNow;
    private double _hostLoadStart = ServerProbe.HostLoadAverage();

    /// <summary>First run time (s) at which a rule was seen breached while running, or null.</summary>
    public double? FirstBreach(Threshold rule) => _breaches.TryGetValue(rule, out double t) ? t : null;

    /// <summary>Samples once a second until the plan completes or the run is cancelled (bounded by the plan duration + 60 s).</summary>
    public async Task RunAsync(Task planTask, CancellationTokenSource runCts)
    {
        var limit = definition.Load.Duration + TimeSpan.FromSeconds(60);
        for (int k = 1; context.Clock.Elapsed < limit; k++)
        {
            var due = TimeSpan.FromSeconds(k) - context.Clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.WhenAny(planTask, Task.Delay(due, CancellationToken.None)).ConfigureAwait(false);
            }

            if (planTask.IsCompleted || runCts.IsCancellationRequested)
            {
                return;
            }

            await TakeSampleAsync(runCts).ConfigureAwait(false);
        }

        await runCts.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Takes the final sample and fills the result's totals.</summary>
    public async Task FinishAsync(Task samplerTask)
    {
        await samplerTask.ConfigureAwait(false);
        using var none = new CancellationTokenSource();
        await TakeSampleAsync(none).ConfigureAwait(false);
        var end = context.Clock.Elapsed;
        if (!_warmDone)
        {
            _warmStart = TimeSpan.Zero;
        }

        double measured = Math.Max((end - _warmStart).TotalSeconds, 0.001);
        result.MeasuredSeconds = measured;
        result.Updates = _updatesNow - _baseUpdates;
        result.Bytes = _bytesNow - _baseBytes;
        result.Frames = _framesNow - _baseFrames;
        result.ServerCpuSeconds = _serverCpuNow - _serverCpuAtWarm;
        result.ServerCpuPercent = (_serverCpuNow - _serverCpuAtWarm) / measured * 100;
        result.ClientCpuPercent = (_clientCpuNow - _clientCpuAtWarm) / measured * 100;
        result.FastLatency = context.FastLatency.Cumulative;
        result.SlowLatency = context.SlowLatency.Cumulative;
        context.ConnectLatency.TakeInterval();
        context.AckLatency.TakeInterval();
        context.ReadyLatency.TakeInterval();
        result.ConnectLatency = context.ConnectLatency.Cumulative;
        result.AckLatency = context.AckLatency.Cumulative;
        result.ReadyLatency = context.ReadyLatency.Cumulative;

        double min = double.MaxValue, max = 0, sum = 0;
        int n = 0;
        foreach (var c in pool.Snapshot())
        {
            if (c.Spec.Role != ClientRole.Fast || c.Spec.CloseAfterAck || c.Stats.Failed)
            {
                continue;
            }

            double rate = (c.Stats.Updates - _baseline.GetValueOrDefault(c)) / measured;
            min = Math.Min(min, rate);
            max = Math.Max(max, rate);
            sum += rate;
            n++;
        }

        result.PerClient = n == 0 ? (0, 0, 0) : (min, sum / n, max);
        double peakMem = 0;
        Sample? atPeak = null;
        foreach (var s in result.Samples)
        {
            peakMem = Math.Max(peakMem, s.ServerMemoryMb);
            if (atPeak is null || s.Connections >= atPeak.Connections)
            {
                atPeak = s;
            }
        }

        result.ServerMemoryPeakMb = peakMem;
        result.ServerMemoryEndMb = result.Samples.Count > 0 ? result.Samples[^1].ServerMemoryMb : 0;
        if (atPeak is { Connections: > 0 })
        {
            result.MemoryPerConnectionKb = (atPeak.ServerMemoryMb - result.ServerMemoryBeforeMb) * 1024 / atPeak.Connections;
            result.HeapPerConnectionKb = (atPeak.ServerHeapMb - heapBeforeMb) * 1024 / atPeak.Connections;
        }

        result.ServerMetrics = probe.LastMetrics;
        result.HostLoad = (_hostLoadStart, ServerProbe.HostLoadAverage());
    }

    /// <summary>After the clients stopped: replay runs, durations, throughput and errors of the replay clients.</summary>
    public void CollectReplays()
    {
        var duration = Measurements.LatencyRecorder.NewHistogram();
        long runs = 0, ticks = 0, errors = 0;
        int clients = 0;
        TimeSpan first = TimeSpan.MaxValue, last = TimeSpan.Zero;
        double min = double.MaxValue, max = 0, sum = 0;
        foreach (var c in pool.Snapshot())
        {
            if (c.Spec.Replay is null)
            {
                continue;
            }

            clients++;
            long clientTicks = 0;
            double busySeconds = 0;
            int ok = 0;
            foreach (var run in c.Stats.ReplayRuns)
            {
                runs++;
                ok += run.Ok ? 1 : 0;
                errors += run.Ok ? 0 : 1;
                ticks += run.TicksReceived;
                clientTicks += run.TicksReceived;
                busySeconds += (run.End - run.Start).TotalSeconds;
                duration.RecordValue(Math.Clamp((long)(run.End - run.Start).TotalMicroseconds, 1, duration.HighestTrackableValue));
                first = run.Start < first ? run.Start : first;
                last = run.End > last ? run.End : last;
            }

            // A client whose first replay never started (error reply, no answer) is an error; one still inside
            // a long paced replay when the run ended is not.
            errors += ok == 0 && !c.Stats.Subscribed ? 1 : 0;
            double rate = busySeconds > 0 ? clientTicks / busySeconds : 0;
            min = Math.Min(min, rate);
            max = Math.Max(max, rate);
            sum += rate;
        }

        result.ReplayClients = clients;
        result.ReplayRuns = runs;
        result.ReplayTicks = ticks;
        result.ReplayErrors = errors;
        result.ReplayDuration = duration;
        result.ReplayTicksPerSecond = last > first ? ticks / (last - first).TotalSeconds : 0;
        result.ReplayPerClient = clients == 0 ? (0, 0, 0) : (min, sum / clients, max);
    }

    /// <summary>
    /// After the clients stopped: mass reconnect outcome (clients with a drop time): how many came
    /// back live and when, symbols resumed and recovered, and the server CPU over the window from the
    /// first reconnect to the last client live again (whole per-second samples overlapping it).
    /// </summary>
    public void CollectReconnects()
    {
        int clients = 0, live = 0, resumed = 0, recovered = 0;
        TimeSpan first = TimeSpan.MaxValue, lastLive = TimeSpan.Zero;
        var toLive = Measurements.LatencyRecorder.NewHistogram();
        foreach (var c in pool.Snapshot())
        {
            if (c.Spec.DropAt is null)
            {
                continue;
            }

            clients++;
            if (c.Stats.ResumeAckAt is not null)
            {
                // Only answered resumes: a client whose ack never came (run stopped, connect failed) says nothing about recovery.
                resumed += c.Stats.ResumedSymbols;
                recovered += c.Stats.RecoveredSymbols;
            }
            if (c.Stats.ReconnectAt is not { } at)
            {
                continue;
            }

            first = at < first ? at : first;
            if (c.Stats.LiveAt is { } liveAt)
            {
                live++;
                lastLive = liveAt > lastLive ? liveAt : lastLive;
                toLive.RecordValue(Math.Clamp((long)(liveAt - at).TotalMicroseconds, 1, toLive.HighestTrackableValue));
            }
        }

        if (clients == 0)
        {
            return;
        }

        double cpu = 0, previous = double.NaN;
        foreach (var sample in result.Samples)
        {
            double start = double.IsNaN(previous) ? sample.T - 1 : previous;
            previous = sample.T;
            if (first != TimeSpan.MaxValue && sample.T > first.TotalSeconds && start < Math.Max(lastLive.TotalSeconds, first.TotalSeconds))
            {
                cpu += sample.ServerCpuPercent / 100 * (sample.T - start);
            }
        }

        result.Reconnect = new ReconnectSummary(clients, live, resumed, recovered, first == TimeSpan.MaxValue || live == 0 ? double.NaN : (lastLive - first).TotalSeconds, toLive, cpu);
    }

    /// <summary>After the clients stopped: close codes, staller outcomes, error samples.</summary>
    public void CollectCloses()
    {
        result.CloseCodes.Clear();
        var stallers = new List<VirtualClient>();
        foreach (var c in pool.Snapshot())
        {
            if (c.Stats.CloseCode != 0)
            {
                result.CloseCodes[c.Stats.CloseCode] = result.CloseCodes.GetValueOrDefault(c.Stats.CloseCode) + 1;
            }

            if (c.Spec.Role == ClientRole.Staller)
            {
                stallers.Add(c);
            }
            else if (c.Stats.Error is { } e && result.ErrorSamples.Count < 10)
            {
                result.ErrorSamples.Add(e);
            }
        }

        if (stallers.Count == 0)
        {
            return;
        }

        double stalledAt = double.MaxValue;
        var codes = new SortedDictionary<int, int>();
        foreach (var s in stallers)
        {
            if (s.Stats.StalledAt is { } t)
            {
                stalledAt = Math.Min(stalledAt, t.TotalSeconds);
            }

            codes[s.Stats.CloseCode] = codes.GetValueOrDefault(s.Stats.CloseCode) + 1;
        }

        if (stalledAt == double.MaxValue)
        {
            stalledAt = definition.Warmup.TotalSeconds;
        }

        var delays = new List<double>();
        double dropsAtStall = 0;
        double previous = 0;
        foreach (var (t, drops) in _serverDrops)
        {
            if (t <= stalledAt)
            {
                dropsAtStall = drops;
                previous = drops;
                continue;
            }

            for (double d = previous; d < drops && delays.Count < 100_000; d++)
            {
                delays.Add(t - stalledAt);
            }

            previous = Math.Max(previous, drops);
        }

        result.Stallers = new StallerSummary(stallers.Count, stalledAt, (long)(previous - dropsAtStall), delays, codes);
    }

    private static double CpuSecondsOfSelf()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalSeconds;
    }

    private async Task TakeSampleAsync(CancellationTokenSource runCts)
    {
        var now = context.Clock.Elapsed;
        double t = now.TotalSeconds;
        double dt = Math.Max(t - _lastT, 0.001);
        var interval = context.FastLatency.TakeInterval();
        context.SlowLatency.TakeInterval();

        long updates = 0, bytes = 0, frames = 0, gaps = 0, errors = 0, serverErrors = 0, lag = 0;
        int connected = 0;
        var clients = pool.Snapshot();
        result.CloseCodes.Clear();
        foreach (var c in clients)
        {
            var s = c.Stats;
            updates += s.Updates;
            bytes += s.Bytes;
            frames += s.Frames;
            gaps += s.Gaps;
            serverErrors += s.ServerErrors;
            lag += s.LagEpisodes;
            errors += s.Failed ? 1 : 0;
            connected += s.Connected ? 1 : 0;
            if (s.CloseCode != 0)
            {
                result.CloseCodes[s.CloseCode] = result.CloseCodes.GetValueOrDefault(s.CloseCode) + 1;
            }
        }

        var server = await probe.ReadAsync(runCts.Token).ConfigureAwait(false);
        double clientCpu = CpuSecondsOfSelf();

        // CPU rates use the time of the CPU readings: the /metrics scrape can take a while on a busy host.
        double tCpu = context.Clock.Elapsed.TotalSeconds;
        double dtCpu = Math.Max(tCpu - _lastTCpu, 0.001);
        _lastTCpu = tCpu;
        _serverCpuNow = server.CpuSeconds;
        _clientCpuNow = clientCpu;
        _updatesNow = updates;
        _bytesNow = bytes;
        _framesNow = frames;
        double serverDrops = probe.LastMetrics.GetValueOrDefault("marketfeed_drops_total{reason=\"stalled\"}")
            + probe.LastMetrics.GetValueOrDefault("marketfeed_drops_total{reason=\"overflow\"}");
        _serverDrops.Add((t, serverDrops));

        bool warm = now < definition.Warmup;
        if (!_warmDone && !warm)
        {
            _warmDone = true;
            _warmStart = now;
            context.FastLatency.ResetCumulative();
            context.SlowLatency.ResetCumulative();
            foreach (var c in clients)
            {
                _baseline[c] = c.Stats.Updates;
            }

            _baseUpdates = updates;
            _baseBytes = bytes;
            _baseFrames = frames;
            _serverCpuAtWarm = server.CpuSeconds;
            _clientCpuAtWarm = clientCpu;
        }

        var sample = new Sample
        {
            T = t,
            Warmup = warm,
            Connections = connected,
            UpdatesPerSecond = (updates - _lastUpdates) / dt,
            BytesPerSecond = (bytes - _lastBytes) / dt,
            P50Ms = interval.TotalCount > 0 ? interval.GetValueAtPercentile(50) / 1000.0 : double.NaN,
            P99Ms = interval.TotalCount > 0 ? interval.GetValueAtPercentile(99) / 1000.0 : double.NaN,
            MaxMs = interval.TotalCount > 0 ? HdrHistogram.HistogramExtensions.GetMaxValue(interval) / 1000.0 : double.NaN,
            ServerMemoryMb = server.ResidentBytes / 1048576.0,
            ServerHeapMb = server.HeapBytes >= 0 ? server.HeapBytes / 1048576.0 : double.NaN,
            ServerCpuPercent = (server.CpuSeconds - _lastServerCpu) / dtCpu * 100,
            ClientCpuPercent = (clientCpu - _lastClientCpu) / dtCpu * 100,
            Errors = errors,
            Gaps = gaps,
            Drops = result.DropCount,
        };
        _lastT = t;
        _lastUpdates = updates;
        _lastBytes = bytes;
        _lastServerCpu = server.CpuSeconds;
        _lastClientCpu = clientCpu;
        result.Samples.Add(sample);
        result.PeakConnections = Math.Max(result.PeakConnections, connected);
        result.Errors = errors;
        result.Gaps = gaps;
        result.ServerErrors = serverErrors;
        result.LagEpisodes = lag;
        result.FastLatency = context.FastLatency.Cumulative;

        if (errors > definition.MaxFailures && !result.StoppedOnFailures)
        {
            result.StoppedOnFailures = true;
            settings.Log($"[{result.Label}] stopping: {errors} failed clients > limit {definition.MaxFailures}");
            await runCts.CancelAsync().ConfigureAwait(false);
        }

        if (_warmDone && (now - _warmStart).TotalSeconds >= 2)
        {
            foreach (var rule in thresholds.Rules)
            {
                if (rule.CheckedDuringRun && !_breaches.ContainsKey(rule) && !rule.IsMet(result.Metric(rule.Metric)))
                {
                    _breaches[rule] = t;
                    settings.Log($"[{result.Label}] threshold breached at {t:0}s: {rule} (actual {result.Metric(rule.Metric):0.###})");
                    if (settings.AbortOnBreach)
                    {
                        await runCts.CancelAsync().ConfigureAwait(false);
                    }
                }
            }
        }

        live.Update(result, sample, warm ? "warm-up" : "measuring");
    }
}
