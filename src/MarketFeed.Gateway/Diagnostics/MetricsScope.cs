namespace MarketFeed.Gateway.Diagnostics;

/// <summary>
/// Identifies the meters of one server host (<see cref="System.Diagnostics.Metrics.Meter.Scope"/>):
/// meters are process-wide, so when several hosts share a process (tests, an in-process scale-out
/// node) each host's <c>/metrics</c> exports only its own instruments, not a mix of all.
/// </summary>
public sealed class MetricsScope
{
    /// <summary>True if <paramref name="meter"/> is one of this host's.</summary>
    public bool Owns(System.Diagnostics.Metrics.Meter meter) => ReferenceEquals(meter.Scope, this);

    /// <summary>A meter of this host named <see cref="FeedMetrics.MeterName"/>.</summary>
    public System.Diagnostics.Metrics.Meter CreateMeter() =>
        new(new System.Diagnostics.Metrics.MeterOptions(FeedMetrics.MeterName) { Version = "1.0", Scope = this });
}
