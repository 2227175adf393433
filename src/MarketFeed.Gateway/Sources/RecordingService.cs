using System.Diagnostics.Metrics;
using MarketFeed.Core;
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
internal sealed class RecordingService(FeedRuntime runtime, IOptions<RecordingOptions> options, ILogger<RecordingService> logger, MetricsScope metricsScope, IEnumerable<ITickForwarder> forwarders) : IHostedService, IDisposable
{
    private TickRecorder? _recorder;
    private Meter? _meter;
    private long _recordedFrom;

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

        if (o.ResumeMaxTicks <= 0 || o.ResumeMaxScanTicks <= 0)
        {
            throw new InvalidOperationException("Recording:ResumeMaxTicks and Recording:ResumeMaxScanTicks must be positive");
        }

        string directory = Path.GetFullPath(o.Directory);
        var engine = runtime.Engine;
        _recorder = new TickRecorder(
            new TickRecorderOptions
            {
                Directory = directory,
                FilePrefix = o.FilePrefix,
                Source = RecordedTickHistory.SourceFor(engine.Epoch),
                FlushInterval = TimeSpan.FromMilliseconds(o.FlushIntervalMs),
                MaxFileBytes = o.MaxFileBytes,
                RingCapacity = o.RingCapacity,
                WriteRetryTimeout = TimeSpan.FromMilliseconds(Math.Max(0, o.WriteRetryTimeoutMs)),
            },
            symbols,
            runtime.Time);
        _recordedFrom = engine.GlobalSequence;
        engine.AddObserver(_recorder);

        // A full-mode resume that reaches further back than the journal reads the logs of this epoch.
        engine.History = new RecordedTickHistory(directory, o.FilePrefix, engine.Epoch, SymbolNames(runtime), o.ResumeMaxTicks, o.ResumeMaxScanTicks);
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
        _meter = metricsScope.CreateMeter();
        _meter.CreateObservableCounter("marketfeed.recorder.recorded_ticks", () => recorder.RecordedTicks, "{tick}", "Ticks the recorder wrote (or buffered for its next block)");
        _meter.CreateObservableCounter("marketfeed.recorder.dropped_ticks", () => recorder.DroppedTicks, "{tick}", "Ticks the recorder dropped because its ring was full");
        _meter.CreateObservableCounter("marketfeed.recorder.lost_ticks", () => recorder.LostTicks, "{tick}", "Ticks not recorded because writing failed");
        _meter.CreateObservableCounter("marketfeed.recorder.flushes", () => recorder.FlushCount, "{flush}", "Completed recorder flushes");
        _meter.CreateObservableCounter("marketfeed.recorder.invalid_ticks", () => recorder.InvalidTicks, "{tick}", "Ticks discarded because their symbol id is outside the recorder's symbol table");
        _meter.CreateObservableGauge("marketfeed.recorder.failed", () => recorder.Failure is null ? 0 : 1, null, "1 once writing failed and recording stopped");
        _meter.CreateObservableGauge("marketfeed.recorder.ring_capacity", () => recorder.RingCapacity, "{tick}", "Ticks the recorder's ring holds before it drops");
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

    /// <summary>True once writing failed for good and recording stopped (not while a write is retried): the server is then not ready.</summary>
    public bool IsFailed => _recorder is { Failure: not null };

    /// <summary>True once the recorder failed, and while it retries a failed write (the server is then degraded).</summary>
    public bool IsDegraded => _recorder is { } r && (r.Failure is not null || r.IsRetrying);

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
        string? undelivered = null;
        if (options.Value.ContinueSequences)
        {
            // A scale-out ingest: its gateways must have every tick up to the saved state, or the
            // continued sequences would start after a hole they cannot cross.
            foreach (ITickForwarder forwarder in forwarders)
            {
                undelivered ??= await forwarder.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        SaveSequenceState(_recorder, undelivered);
    }

    /// <summary>
    /// At start, with <c>Recording:Enabled</c> and <c>Recording:ContinueSequences</c>: the sequence
    /// state a clean shutdown saved next to the logs, or null (a new epoch). The file is consumed
    /// (deleted) so that a crash of this run, which may leave the logs short of what clients saw,
    /// makes the next start begin a new epoch.
    /// </summary>
    public static SequenceState? RestoreSequenceState(RecordingOptions options, SymbolUniverse universe, ILogger logger)
    {
        if (!options.Enabled || !options.ContinueSequences)
        {
            return null;
        }

        string path = SequenceStateFile.PathFor(Path.GetFullPath(options.Directory), options.FilePrefix);
        if (!File.Exists(path))
        {
            ServerLog.SequenceStateNotRestored(logger, path, "no file: first start, or the last run did not shut down cleanly");
            return null;
        }

        try
        {
            string[] names = new string[universe.Count];
            for (int i = 0; i < names.Length; i++)
            {
                names[i] = universe[i].Name;
            }

            SequenceState state = SequenceStateFile.Load(path, names);
            File.Delete(path);
            ServerLog.SequenceStateRestored(logger, path, state.Epoch, state.GlobalSequence);
            return state;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            ServerLog.SequenceStateNotRestored(logger, path, ex.Message);
            TryDelete(path);
            return null;
        }
    }

    /// <summary>After the recorder's last flush: saves the sequence state if the logs (and every <see cref="ITickForwarder"/>) hold every tick up to it.</summary>
    private void SaveSequenceState(TickRecorder recorder, string? undelivered)
    {
        RecordingOptions o = options.Value;
        if (!o.ContinueSequences)
        {
            return;
        }

        var engine = runtime.Engine;
        long before = engine.GlobalSequence;
        SequenceState state = engine.CaptureSequenceState();
        long after = engine.GlobalSequence;
        string? reason = recorder.Failure is not null ? "recording failed: " + recorder.Failure.Message
            : recorder.DroppedTicks + recorder.LostTicks + recorder.InvalidTicks > 0 ? $"the logs miss {recorder.DroppedTicks + recorder.LostTicks + recorder.InvalidTicks} ticks (dropped, lost or invalid)"
            : before != after || after != _recordedFrom + recorder.ObservedTicks ? $"ticks were published outside the recording (global sequence {after}, recorded {_recordedFrom}+{recorder.ObservedTicks})"
            : undelivered;
        if (reason is not null)
        {
            ServerLog.SequenceStateNotSaved(logger, reason);
            return;
        }

        string path = SequenceStateFile.PathFor(Path.GetFullPath(o.Directory), o.FilePrefix);
        try
        {
            SequenceStateFile.Save(path, state, SymbolNames(runtime));
            ServerLog.SequenceStateSaved(logger, path, state.Epoch, state.GlobalSequence);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ServerLog.SequenceStateNotSaved(logger, ex.Message);
        }
    }

    private static string[] SymbolNames(FeedRuntime runtime)
    {
        string[] names = new string[runtime.Universe.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = runtime.Universe[i].Name;
        }

        return names;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in place: the next start reports it again.
        }
    }

}
