namespace MarketFeed.Client;

/// <summary>The client is not connected, could not connect, or lost the connection while a request was pending.</summary>
public sealed class MarketFeedConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MarketFeedConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
