namespace MarketFeed.Gateway.Sources;

/// <summary>
/// Whether the live tick source (<c>Feed:Source</c>) is running, for <c>/readyz</c>. The simulator
/// and the replay source report here; with <c>Feed:Source=none</c> (ticks published by something
/// else) it counts as running.
/// </summary>
internal sealed class SourceStatus
{
    private volatile string _state = "starting";
    private volatile string? _error;

    /// <summary><c>starting</c>, <c>running</c>, <c>finished</c> (a replay source without loop reached its end), <c>failed</c>, <c>stopped</c>.</summary>
    public string State => _state;

    /// <summary>Why the source failed, or null.</summary>
    public string? Error => _error;

    /// <summary>True while ticks can come.</summary>
    public bool IsRunning => _state == "running";

    public void Running() => _state = "running";

    public void Finished() => _state = "finished";

    public void Stopped() => _state = "stopped";

    public void Failed(Exception exception)
    {
        _error = exception.Message;
        _state = "failed";
    }
}
