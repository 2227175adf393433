namespace MarketFeed.Cli.Commands;

/// <summary>Process exit codes shared by the commands.</summary>
internal static class ExitCodes
{
    /// <summary>Done (count or duration reached, or interrupted with Ctrl+C); for <c>inspect</c>: the log is intact.</summary>
    public const int Success = 0;

    /// <summary>Could not connect, or the connection was closed for good.</summary>
    public const int ConnectionFailed = 1;

    /// <summary>The server rejected a request or did not answer in time.</summary>
    public const int RequestFailed = 2;

    /// <summary><c>inspect</c>: the tick log is readable but not intact (corrupt or truncated blocks, or unclosed: index rebuilt); <c>replay</c>: it ended at damage (<c>damaged</c>) or skipped some (<c>damage-skipped</c>).</summary>
    public const int Damaged = 3;

    /// <summary>A local file operation failed: import aborted on a bad row, unreadable input or output, bad mapping.</summary>
    public const int Failed = 4;

    /// <summary>Bad command-line input, found by the parser (returned by <see cref="CliApp.RunAsync(string[], System.CommandLine.InvocationConfiguration?, CancellationToken)"/>) or by a command.</summary>
    public const int Usage = 64;
}
