using System.Diagnostics;
using MarketFeed.Cli.Output;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Cli.Commands;

/// <summary>
/// The read loop of <c>marketfeed replay</c>: consumes the client's stream until the replay end, counts ticks, prints
/// or saves them, and reports progress (0..1 over the replay's time range) from tick timestamps and replay status.
/// On cancellation (Ctrl+C) it asks the server to stop the replay and drains until the replay end.
/// </summary>
/// <remarks>Used from one thread (the command's task).</remarks>
internal sealed class ReplaySession
{
    private const int ReportEvery = 512;
    private readonly MarketFeedClient _client;
    private readonly ReplayStartMessage _start;
    private readonly FeedPrinter? _printer;
    private long _lastFlush;
    private bool _live;

    /// <summary>Creates the loop for the replay <paramref name="start"/> announced.</summary>
    public ReplaySession(MarketFeedClient client, ReplayStartMessage start, IUpdateSink? sink, FeedPrinter? printer)
    {
        _client = client;
        _start = start;
        Sink = sink;
        _printer = printer;
    }

    /// <summary>Where updates are saved, if anywhere.</summary>
    public IUpdateSink? Sink { get; }

    /// <summary>Quotes and trades received.</summary>
    public long Ticks { get; private set; }

    /// <summary>Runs until the replay ends, the connection is lost or <paramref name="cancellationToken"/> fires.</summary>
    public async Task<Outcome> RunAsync(Action<double> report, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        _lastFlush = started;
        try
        {
            await foreach (var message in _client.ReadAllAsync(cancellationToken))
            {
                if (Handle(message, report, started) is { } outcome)
                {
                    return outcome;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_live)
            {
                return new Outcome("live", null, Stopwatch.GetElapsedTime(started), ExitCodes.Success); // Ctrl+C ends the live part
            }

            return await StopAsync(report, started);
        }

        return new Outcome("connection closed", null, Stopwatch.GetElapsedTime(started), ExitCodes.ConnectionFailed);
    }

    private Outcome? Handle(ServerMessage message, Action<double> report, long started)
    {
        if (message is not ReplayStartMessage)
        {
            _printer?.Print(message);
        }

        switch (message)
        {
            case QuoteMessage q:
                OnTick(message, q.SymbolId, q.Timestamp, report);
                break;
            case TradeMessage t:
                OnTick(message, t.SymbolId, t.Timestamp, report);
                break;
            case ReplayStatusMessage status when status.ReplayId == _start.ReplayId:
                report(Fraction(status.Position));
                break;
            case ReplayEndMessage { Reason: "live" } end when end.ReplayId == _start.ReplayId:
                // Continues live (protocol 6.1): the live ack and live ticks follow, until Ctrl+C.
                report(1);
                _live = true;
                Console.Error.WriteLine($"replay {end.ReplayId} played its range ({end.TicksSent} ticks); continuing live (Ctrl+C to stop)");
                break;
            case ReplayEndMessage end when end.ReplayId == _start.ReplayId:
                report(1);
                return new Outcome(end.Reason, end.TicksSent, Stopwatch.GetElapsedTime(started), ExitCodeFor(end.Reason), end.Damage);
            case ErrorMessage error when _printer is null:
                CommonOptions.Error($"server error {error.Code} {error.CodeName}: {error.Message}");
                break;
            case ConnectionStateMessage { State: ConnectionState.Closed or ConnectionState.Reconnecting } state:
                CommonOptions.Error("connection lost: " + (state.LastDisconnect?.ToString() ?? "unknown reason"));
                return new Outcome("connection lost", null, Stopwatch.GetElapsedTime(started), ExitCodes.ConnectionFailed);
            case MessagesDroppedMessage dropped when _printer is null:
                CommonOptions.Error($"{dropped.Count} messages dropped by the client");
                break;
        }

        return null;
    }

    private void OnTick(ServerMessage message, int symbolId, long timestamp, Action<double> report)
    {
        Ticks++;
        if (Sink is not null)
        {
            Sink.Write(message, _client.TryGetSymbol(symbolId, out var symbol) ? symbol : null, UnixTime.NowNanos(TimeProvider.System));
        }

        if (Ticks % ReportEvery == 0)
        {
            report(Fraction(timestamp));
            if (Sink is not null && Stopwatch.GetElapsedTime(_lastFlush) > TimeSpan.FromSeconds(1))
            {
                Sink.Flush();
                _lastFlush = Stopwatch.GetTimestamp();
            }
        }
    }

    private double Fraction(long position)
    {
        long range = _start.To - _start.From;
        return range <= 0 ? 0 : Math.Clamp((double)(position - _start.From) / range, 0, 1);
    }

    private async Task<Outcome> StopAsync(Action<double> report, long started)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var stop = _client.StopReplayAsync(_start.ReplayId, timeout.Token);
        Outcome? outcome = null;
        try
        {
            // Keep reading so the client's receive loop (overflow policy Wait) can reach the replay end.
            await foreach (var message in _client.ReadAllAsync(timeout.Token))
            {
                if (Handle(message, report, started) is { } o)
                {
                    outcome = o;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            var end = await stop;
            outcome ??= new Outcome(end.Reason, end.TicksSent, Stopwatch.GetElapsedTime(started), ExitCodeFor(end.Reason), end.Damage);
        }
        catch (Exception ex) when (ex is MarketFeedRequestException or MarketFeedConnectionException or TimeoutException or OperationCanceledException)
        {
            // Interrupted anyway; what arrived is kept.
        }

        return outcome ?? new Outcome("interrupted", null, Stopwatch.GetElapsedTime(started), ExitCodes.Success);
    }

    /// <summary>Exit code for a server end reason: the dataset's damage (ended at it, or skipped) is exit 3.</summary>
    private static int ExitCodeFor(string reason) => reason switch
    {
        "error" => ExitCodes.RequestFailed,
        "damaged" or "damage-skipped" => ExitCodes.Damaged,
        _ => ExitCodes.Success,
    };

    /// <summary>How the replay ended.</summary>
    /// <param name="Reason">Server reason (completed, stopped, damaged, damage-skipped, error), <c>live</c> (continued live until Ctrl+C) or a local one (connection lost, interrupted).</param>
    /// <param name="ServerTicksSent">Ticks the server says it sent (from the replay end).</param>
    /// <param name="Elapsed">Wall time from the replay start to its end.</param>
    /// <param name="ExitCode">Process exit code.</param>
    /// <param name="Damage">Where the damage met lies (file offset, time range), from the replay end; null if none or not sent.</param>
    public sealed record Outcome(string Reason, long? ServerTicksSent, TimeSpan Elapsed, int ExitCode, IReadOnlyList<ReplayDamage>? Damage = null);
}
