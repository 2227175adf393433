using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Options;
using MarketFeed.Sources.Recording;
using MarketFeed.Sources.TickLog;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Sources;

/// <summary>With <c>Recording:Enabled</c>: taps the live engine with a <see cref="TickRecorder"/>; flushes on shutdown.</summary>
internal sealed class RecordingService(FeedRuntime runtime, IOptions<RecordingOptions> options) : IHostedService, IDisposable
{
    private TickRecorder? _recorder;

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
        return Task.CompletedTask;
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

    /// <summary>Releases the recorder if the host stopped without <see cref="StopAsync"/> (a failed start).</summary>
    public void Dispose() => _recorder?.Dispose();
}
