namespace MarketFeed.Cli.Commands;

/// <summary>Process exit codes shared by the commands.</summary>
internal static class ExitCodes
{
    /// <summary>Done (count or duration reached, or interrupted with Ctrl+C).</summary>
    public const int Success = 0;

    /// <summary>Could not connect, or the connection was closed for good.</summary>
    public const int ConnectionFailed = 1;

    /// <summary>The server rejected a request or did not answer in time.</summary>
    public const int RequestFailed = 2;

    /// <summary>Bad command-line input.</summary>
    public const int Usage = 64;
}
