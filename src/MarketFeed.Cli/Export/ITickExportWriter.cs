using MarketFeed.Core;

namespace MarketFeed.Cli.Export;

/// <summary>A destination of <c>marketfeed export</c>: receives ticks in tick-log order, then completes the file.</summary>
/// <remarks>
/// Used from one thread: <see cref="Add"/> buffers a tick (its <see cref="Tick.SymbolId"/> indexes the symbol table the
/// writer was created with) and returns true when the buffer is full, then the caller awaits <see cref="FlushAsync"/>.
/// The file is written to a temporary name and only moved to its final path by <see cref="CompleteAsync"/>, so an
/// interrupted export never leaves a truncated file that looks complete.
/// </remarks>
internal interface ITickExportWriter : IAsyncDisposable
{
    /// <summary>Final path of the file.</summary>
    string Path { get; }

    /// <summary>Rows written so far (including buffered ones).</summary>
    long Rows { get; }

    /// <summary>Buffers one tick; true when the caller should <see cref="FlushAsync"/> before adding more.</summary>
    bool Add(in Tick tick);

    /// <summary>Writes the buffered rows.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Flushes the rest, closes the file and moves it to <see cref="Path"/>.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
