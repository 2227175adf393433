namespace MarketFeed.Sources.Recording;

/// <summary>
/// A block write of a <see cref="TickRecorder"/> failed and is being retried (<paramref name="Recovered"/> false), or a
/// retried write went through (<paramref name="Recovered"/> true: nothing was lost by the error).
/// </summary>
/// <param name="Error">The last write error.</param>
/// <param name="Recovered">True when the write finally succeeded.</param>
/// <param name="Attempts">Failed attempts so far in this episode.</param>
/// <param name="Elapsed">Time since the first failure of this episode.</param>
/// <param name="File">The file being written.</param>
public sealed record RecorderWriteError(Exception Error, bool Recovered, int Attempts, TimeSpan Elapsed, string? File);
