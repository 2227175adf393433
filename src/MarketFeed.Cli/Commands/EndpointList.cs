namespace MarketFeed.Cli.Commands;

/// <summary>
/// A <c>--url</c> that lists several endpoints of one feed, comma-separated (scale-out gateways,
/// docs/scale-out.md): the first one, carrying the others for the client's failover.
/// </summary>
internal sealed class EndpointList(Uri first, IReadOnlyList<Uri> failover) : Uri(first.OriginalString)
{
    /// <summary>The endpoints after the first, in order.</summary>
    public IReadOnlyList<Uri> Failover { get; } = failover;
}
