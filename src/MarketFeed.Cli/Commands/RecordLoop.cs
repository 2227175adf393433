using System.Diagnostics;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Cli.Commands;

/// <summary>The read loop of <c>marketfeed record</c>: writes quotes and trades to the sink until a count, cancellation or the end of the stream.</summary>
/// <remarks>Used from one thread (the command's task).</remarks>
internal sealed class RecordLoop(MarketFeedClient client, IUpdateSink sink, long? count, TimeSpan? duration)
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    /// <summary>Sequence gaps reported by the client (ticks lost between server and client).</summary>
    public long Gaps { get; private set; }

    /// <summary>Reads and writes; returns the exit code (0 on count, duration or Ctrl+C; 1 if the connection closed for good).</summary>
    public async Task<int> RunAsync(Action<double> report, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        long lastFlush = started;
        try
        {
            await foreach (var message in client.ReadAllAsync(cancellationToken))
            {
                switch (message)
                {
                    case QuoteMessage q:
                        Write(message, q.SymbolId);
                        break;
                    case TradeMessage t:
                        Write(message, t.SymbolId);
                        break;
                    case SequenceGapMessage:
                        Gaps++;
                        continue;
                    case ErrorMessage error:
                        CommonOptions.Error($"server error {error.Code} {error.CodeName}: {error.Message}");
                        continue;
                    default:
                        continue;
                }

                if (sink.Written >= count)
                {
                    report(1);
                    return ExitCodes.Success;
                }

                if (Stopwatch.GetElapsedTime(lastFlush) >= FlushInterval)
                {
                    // At most about a second of ticks is lost if the process is killed.
                    sink.Flush();
                    lastFlush = Stopwatch.GetTimestamp();
                    double byCount = count is { } c ? (double)sink.Written / c : 0;
                    double byTime = duration is { } d ? Stopwatch.GetElapsedTime(started) / d : 0;
                    report(Math.Max(byCount, byTime));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report(1);
            return ExitCodes.Success;
        }

        CommonOptions.Error("connection closed: " + (client.LastDisconnect?.ToString() ?? "unknown reason"));
        return ExitCodes.ConnectionFailed;
    }

    private void Write(ServerMessage message, int symbolId) =>
        sink.Write(message, client.TryGetSymbol(symbolId, out var symbol) ? symbol : null, UnixTime.NowNanos(TimeProvider.System));
}
