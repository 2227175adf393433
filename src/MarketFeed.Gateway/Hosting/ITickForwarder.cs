namespace MarketFeed.Gateway.Hosting;

/// <summary>
/// Something that forwards the live engine's sequenced ticks beyond this process (the scale-out
/// ingest's NATS publisher). At a clean shutdown with recording on, the sequence state is saved
/// only if every forwarder delivered every tick it observed: a restart that continues the
/// sequences must not leave a hole in what the forwarder's readers saw (docs/scale-out.md).
/// </summary>
internal interface ITickForwarder
{
    /// <summary>
    /// After the source stopped: waits until every tick observed so far is delivered, or
    /// <paramref name="cancellationToken"/> fires. Returns null if everything was delivered, else why not.
    /// </summary>
    Task<string?> DrainAsync(CancellationToken cancellationToken);
}
