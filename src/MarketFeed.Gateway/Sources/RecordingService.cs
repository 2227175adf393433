using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Options;
using MarketFeed.Sources.Recording;
using MarketFeed.Sources.TickLog;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Sources;

/// <summary>
/// With <c>Recording:Enabled</c>: taps the live engine with a <see cref="TickRecorder"/>; flushes on
/// shutdown. A recorder failure (disk full, ...) is logged at once and shows in <c>/health</c>
/// (<see cref="Health"/>) and the <c>marketfeed_recorder_*</c> metrics, with the ticks lost.
/// </summary>
internal sealed class RecordingService(FeedRuntime runtime, IOptions<RecordingOptions> options, ILogger<RecordingService> logger) : IHostedService, IDisposable
{
    private TickRecorder? _recorder;
    private Meter? _meter;

    /// <summary>The recorder while recording.</summary>
    public TickRecorder? Recorder => _recorder;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        RecordingOptions o = options.Value;
        if (!o.Enabled)
        {
            return Task.CompletedTask;
        }

        var symbols = new List<TickLogSymbol>(runtime.Universe.Count);
        foreach (var s in runtime.Universe.Symbols)
        {
            symbols.Add(new TickLogSymbol(s.Name, s.PriceDecimals, s.SizeDecimals));
        }

        _recorder = new TickRecorder(
            new TickRecorderOptions
            {
                Directory = Path.GetFullPath(o.Directory),
                FilePrefix = o.FilePrefix,
                FlushInterval = TimeSpan.FromMilliseconds(o.FlushIntervalMs),
                MaxFileBytes = o.MaxFileBytes,
                RingCapacity = o.RingCapacity,
                WriteRetryTimeout = TimeSpan.FromMilliseconds(Math.Max(0, o.WriteRetryTimeoutMs)),
            },
            symbols,
            runtime.Time);
        runtime.Engine.AddObserver(_recorder);
        TickRecorder recorder = _recorder;
        _ = recorder.WhenFailed.ContinueWith(
            t => ServerLog.RecorderFailed(logger, recorder.CurrentFile ?? o.Directory, recorder.LostTicks, t.Result),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnRanToCompletion,
            TaskScheduler.Default);
        recorder.WriteError += (_, e) =>
        {
            if (e.Recovered)
            {
                ServerLog.RecorderWriteRecovered(logger, e.File ?? o.Directory, e.Attempts, (long)e.Elapsed.TotalMilliseconds, e.Error.Message);
            }
            else
            {
                ServerLog.RecorderWriteRetrying(logger, e.File ?? o.Directory, o.WriteRetryTimeoutMs, e.Error);
            }
        };
        _meter = new Meter(FeedMetrics.MeterName, "1.0");
        _meter.CreateObservableCounter("marketfeed.recorder.recorded_ticks", () => recorder.RecordedTicks, "{tick}", "Ticks the recorder wrote (or buffered for its next block)");
        _meter.CreateObservableCounter("marketfeed.recorder.dropped_ticks", () => recorder.DroppedTicks, "{tick}", "Ticks the recorder dropped because its ring was full");
        _meter.CreateObservableCounter("marketfeed.recorder.lost_ticks", () => recorder.LostTicks, "{tick}", "Ticks not recorded because writing failed");
        _meter.CreateObservableCounter("marketfeed.recorder.flushes", () => recorder.FlushCount, "{flush}", "Completed recorder flushes");
        _meter.CreateObservableGauge("marketfeed.recorder.failed", () => recorder.Failure is null ? 0 : 1, null, "1 once writing failed and recording stopped");
        _meter.CreateObservableCounter("marketfeed.recorder.write_retries", () => recorder.WriteRetries, "{attempt}", "Failed recorder block writes that were retried");
        _meter.CreateObservableGauge("marketfeed.recorder.retrying", () => recorder.IsRetrying ? 1 : 0, null, "1 while a failed block write is being retried");
        return Task.CompletedTask;
    }

    /// <summary>The recording part of <c>/health</c>: <c>off</c>, <c>ok</c>, <c>retrying</c> (a failed write being retried) or <c>failed</c>, with the error and counts.</summary>
    public Dictionary<string, object?> Health()
    {
        if (_recorder is not { } r)
        {
            return new Dictionary<string, object?> { ["state"] = "off" };
        }

        return new Dictionary<string, object?>
        {
            ["state"] = r.Failure is not null ? "failed" : r.IsRetrying ? "retrying" : "ok",
            ["error"] = r.Failure?.Message ?? r.RetryError?.Message,
            ["file"] = r.CurrentFile,
            ["recordedTicks"] = r.RecordedTicks,
            ["droppedTicks"] = r.DroppedTicks,
            ["lostTicks"] = r.LostTicks,
            ["writeRetries"] = r.WriteRetries,
        };
    }

    /// <summary>True once the recorder failed, and while it retries a failed write (the server is then degraded).</summary>
    public bool IsDegraded => _recorder is { } r && (r.Failure is not null || r.IsRetrying);

    /// <summary>Prometheus text of the recorder counters (empty when not recording).</summary>
    public string ToPrometheusText()
    {
        if (_recorder is not { } r)
        {
            return string.Empty;
        }

        var sb = new StringBuilder(512);
        Append(sb, "marketfeed_recorder_recorded_ticks_total", "counter", "Ticks the recorder wrote (or buffered for its next block)", r.RecordedTicks);
        Append(sb, "marketfeed_recorder_dropped_ticks_total", "counter", "Ticks the recorder dropped because its ring was full", r.DroppedTicks);
        Append(sb, "marketfeed_recorder_lost_ticks_total", "counter", "Ticks not recorded because writing failed", r.LostTicks);
        Append(sb, "marketfeed_recorder_flushes_total", "counter", "Completed recorder flushes (everything recorded before a flush began is on disk after it)", r.FlushCount);
        Append(sb, "marketfeed_recorder_failed", "gauge", "1 once writing failed and recording stopped", r.Failure is null ? 0 : 1);
        Append(sb, "marketfeed_recorder_write_retries_total", "counter", "Failed recorder block writes that were retried", r.WriteRetries);
        Append(sb, "marketfeed_recorder_retrying", "gauge", "1 while a failed block write is being retried (ticks wait in the recorder ring)", r.IsRetrying ? 1 : 0);
        return sb.ToString();

        static void Append(StringBuilder sb, string name, string type, string help, long value) =>
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
              .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Releases the meter, and the recorder if the host stopped without <see cref="StopAsync"/> (a failed start).</summary>
    public void Dispose()
    {
        _meter?.Dispose();
        _recorder?.Dispose();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_recorder is null)
        {
            return;
        }

        runtime.Engine.RemoveObserver(_recorder);
        await _recorder.FlushAsync().ConfigureAwait(false);
        _recorder.Dispose();
    }

}
