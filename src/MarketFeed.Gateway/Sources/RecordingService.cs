using System.Diagnostics.Metrics;
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
internal sealed class RecordingService(FeedRuntime runtime, IOptions<RecordingOptions> options, ILogger<RecordingService> logger, MetricsScope metricsScope) : IHostedService, IDisposable
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
        _meter = metricsScope.CreateMeter();
        _meter.CreateObservableCounter("marketfeed.recorder.recorded_ticks", () => recorder.RecordedTicks, "{tick}", "Ticks the recorder wrote (or buffered for its next block)");
        _meter.CreateObservableCounter("marketfeed.recorder.dropped_ticks", () => recorder.DroppedTicks, "{tick}", "Ticks the recorder dropped because its ring was full");
        _meter.CreateObservableCounter("marketfeed.recorder.lost_ticks", () => recorder.LostTicks, "{tick}", "Ticks not recorded because writing failed");
        _meter.CreateObservableCounter("marketfeed.recorder.flushes", () => recorder.FlushCount, "{flush}", "Completed recorder flushes");
        _meter.CreateObservableCounter("marketfeed.recorder.invalid_ticks", () => recorder.InvalidTicks, "{tick}", "Ticks discarded because their symbol id is outside the recorder's symbol table");
        _meter.CreateObservableGauge("marketfeed.recorder.failed", () => recorder.Failure is null ? 0 : 1, null, "1 once writing failed and recording stopped");
        _meter.CreateObservableGauge("marketfeed.recorder.ring_capacity", () => recorder.RingCapacity, "{tick}", "Ticks the recorder's ring holds before it drops");
        return Task.CompletedTask;
    }

    /// <summary>The recording part of <c>/health</c>: <c>off</c>, <c>ok</c> or <c>failed</c> with the error and counts.</summary>
    public Dictionary<string, object?> Health()
    {
        if (_recorder is not { } r)
        {
            return new Dictionary<string, object?> { ["state"] = "off" };
        }

        return new Dictionary<string, object?>
        {
            ["state"] = r.Failure is null ? "ok" : "failed",
            ["error"] = r.Failure?.Message,
            ["file"] = r.CurrentFile,
            ["recordedTicks"] = r.RecordedTicks,
            ["droppedTicks"] = r.DroppedTicks,
            ["lostTicks"] = r.LostTicks,
        };
    }

    /// <summary>True once the recorder failed (the server is then degraded).</summary>
    public bool IsFailed => _recorder?.Failure is not null;

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
