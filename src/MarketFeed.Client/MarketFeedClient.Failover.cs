namespace MarketFeed.Client;

/// <content>Several endpoints of one feed (scale-out gateways): which one is in use, moving to the next.</content>
public sealed partial class MarketFeedClient
{
    private Uri[]? _endpoints;
    private int _endpoint;

    /// <summary>The endpoint of the current (or last) connection: <see cref="MarketFeedClientOptions.Uri"/> or one of <see cref="MarketFeedClientOptions.FailoverUris"/>.</summary>
    public Uri CurrentUri
    {
        get
        {
            Uri[] endpoints = Endpoints;
            return endpoints[(int)((uint)Volatile.Read(ref _endpoint) % (uint)endpoints.Length)];
        }
    }

    private Uri[] Endpoints => _endpoints ??= [_options.Uri, .. _options.FailoverUris];

    /// <summary>Moves to the next endpoint in turn; false if there is only one.</summary>
    private bool MoveToNextEndpoint()
    {
        if (Endpoints.Length < 2)
        {
            return false;
        }

        Interlocked.Increment(ref _endpoint);
        return true;
    }

    /// <summary>The first connection: each endpoint once, in order, until one answers; the last failure otherwise.</summary>
    private async Task<FeedConnection> OpenFirstAsync(CancellationToken cancellationToken)
    {
        for (int tried = 1; ; tried++)
        {
            try
            {
                return await OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (tried < Endpoints.Length && !cancellationToken.IsCancellationRequested && !_lifetime.IsCancellationRequested)
            {
                MoveToNextEndpoint();
            }
        }
    }

    private string DescribeEndpoints() => Endpoints.Length == 1 ? Endpoints[0].ToString() : string.Join(", ", Endpoints.Select(u => u.ToString()));
}
