using MarketFeed.Protocol;

namespace MarketFeed.Cli.Output;

/// <summary>Where <c>replay</c> and <c>record</c> save what arrives (a tick log or a CSV file).</summary>
/// <remarks>Used from one thread (the command's read loop).</remarks>
internal interface IUpdateSink : IDisposable
{
    /// <summary>Path of the output file.</summary>
    string Path { get; }

    /// <summary>Updates written so far.</summary>
    long Written { get; }

    /// <summary>Writes a quote or trade (other messages are ignored); returns true if written.</summary>
    /// <param name="message">The message.</param>
    /// <param name="symbol">Name and scales of its wire symbol id (null if unknown: the update is skipped).</param>
    /// <param name="receivedAt">Local receive time, ns since the epoch.</param>
    bool Write(ServerMessage message, SymbolRef? symbol, long receivedAt);

    /// <summary>Pushes buffered data to disk (called periodically and at the end).</summary>
    void Flush();
}
