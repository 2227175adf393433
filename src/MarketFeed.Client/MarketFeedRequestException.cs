using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <summary>The server answered a request with an error message (docs/protocol.md section 8).</summary>
public sealed class MarketFeedRequestException : Exception
{
    /// <summary>Creates the exception from the server's error.</summary>
    public MarketFeedRequestException(ErrorMessage error)
        : base($"{error.Code} {error.CodeName}: {error.Message}")
    {
        Error = error;
    }

    /// <summary>The server's error message.</summary>
    public ErrorMessage Error { get; }

    /// <summary>The error code.</summary>
    public ErrorCode Code => (ErrorCode)Error.Code;
}
