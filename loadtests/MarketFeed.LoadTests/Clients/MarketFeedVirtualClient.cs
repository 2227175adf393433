using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.LoadTests.Running;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.LoadTests.Clients;

/// <summary>
/// A MarketFeed subscriber on <see cref="ClientWebSocket"/>: sends a MessagePack subscribe, decodes
/// frames with the allocation-free <see cref="FrameReader"/>, and checks sequences
/// (full mode: seq = prev + 1 per symbol; conflated: no regression per symbol and kind; snapshots reset).
/// A replay client (<see cref="ClientSpec.Replay"/>) sends full-mode replay requests instead of a subscribe,
/// one after another, and checks each replay's per-symbol sequences and its tick count against replay end.
/// A reconnecting client (<see cref="ClientSpec.DropAt"/>) aborts its connection at that time, stays away
/// for <see cref="ClientSpec.DownFor"/>, then resumes with the welcome's epoch and its last sequences:
/// its sequence checks run across the gap (a missed or repeated tick counts as a gap).
/// </summary>
public sealed class MarketFeedClient(int index, ClientSpec spec, RunContext context) : VirtualClient(index, spec, context)
{
    private const int MaxFrameBytes = 16 * 1024 * 1024;
    private const int ReplaySymbolIdBase = 1 << 20;
    private readonly Dictionary<int, long> _replayLastSeq = [];
    private int _replaysSent;
    private bool _replayDue;
    private TimeSpan _replaySentAt;
    private long _replayReceived;
    private long[] _lastSeq = [];
    private long[] _lastTradeSeq = [];
    private TimeSpan _scheduledStart;
    private TimeSpan _subscribeSentAt;
    private long _epoch;
    private long _reconnectUnixNanos;
    private Dictionary<int, string>? _namesById;

    /// <inheritdoc />
    public override async Task RunAsync(TimeSpan scheduledStart, CancellationToken cancellationToken)
    {
        _lastSeq = NewSequenceArray(Context.SymbolCount);
        _lastTradeSeq = NewSequenceArray(Context.SymbolCount);
        if (Spec.DropAt is not { } dropAt)
        {
            await RunSessionAsync(scheduledStart, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        using (var untilDrop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            untilDrop.CancelAfter(Max(dropAt - Context.Clock.Elapsed, TimeSpan.Zero));
            await RunSessionAsync(scheduledStart, null, untilDrop.Token).ConfigureAwait(false);
        }

        if (cancellationToken.IsCancellationRequested || Stats.Failed || _epoch == 0)
        {
            Stats.Failed |= !cancellationToken.IsCancellationRequested;
            Stats.Error ??= _epoch == 0 ? "no epoch in the welcome: cannot resume" : null;
            return;
        }

        await Task.Delay(Max(dropAt + Spec.DownFor - Context.Clock.Elapsed, TimeSpan.Zero), cancellationToken).ConfigureAwait(false);
        var resume = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (id, name) in _namesById ?? [])
        {
            long last = Math.Max(_lastSeq[id], _lastTradeSeq[id]); // conflated keeps quote and trade apart
            if (last > 0)
            {
                resume[name] = last;
            }
        }

        Stats.ResumedSymbols = resume.Count;
        Stats.ReconnectAt = Context.Clock.Elapsed;
        _reconnectUnixNanos = Now();
        await RunSessionAsync(Stats.ReconnectAt.Value, resume, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>One connection: connect, subscribe (resuming <paramref name="resume"/> if given), read until cancelled or closed.</summary>
    private async Task RunSessionAsync(TimeSpan scheduledStart, Dictionary<string, long>? resume, CancellationToken cancellationToken)
    {
        _scheduledStart = scheduledStart;
        using var ws = new ClientWebSocket();
        ws.Options.AddSubProtocol("marketfeed.v1");
        ws.Options.SetBuffer(Math.Max(Spec.ReceiveBufferBytes, 1024), 1024);
        var wsUri = new UriBuilder(Context.BaseUri) { Scheme = "ws", Path = "/ws/v1" }.Uri;
        try
        {
            using (var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                setup.CancelAfter(SetupTimeout);
                await ws.ConnectAsync(wsUri, Spec.Role == ClientRole.Staller ? LoopbackConnector.SmallReceiveBuffer : LoopbackConnector.Default, setup.Token).ConfigureAwait(false);
                ConnectedAt(scheduledStart);
                if (Spec.Replay is null)
                {
                    byte[] subscribe = ControlRequestWriter.ToMessagePack(new ControlRequest
                    {
                        Op = ControlRequest.Ops.Subscribe,
                        Id = 1,
                        Symbols = Spec.Symbols,
                        Mode = Spec.FullMode ? DeliveryMode.Full : DeliveryMode.Conflated,
                        Epoch = resume is null ? null : _epoch,
                        Resume = resume,
                    });
                    _subscribeSentAt = Context.Clock.Elapsed;
                    await ws.SendAsync(subscribe, WebSocketMessageType.Binary, true, setup.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                SetupFailed($"connect/subscribe: {ex.GetType().Name}: {ex.Message}");
            }

            return;
        }

        try
        {
            if (Spec.Replay is { } replay)
            {
                var wait = replay.StartAt - Context.Clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                await SendReplayAsync(ws, cancellationToken).ConfigureAwait(false);
            }

            await ReceiveLoopAsync(ws, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (WebSocketException ex)
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                ClosedByServer(1006, ex.WebSocketErrorCode.ToString());
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException)
        {
            Stats.Failed = true;
            Stats.Error ??= $"protocol: {ex.Message}";
        }
        finally
        {
            Stats.Connected = false;
            if (ws.State == WebSocketState.Open && Spec.CloseAfterAck)
            {
                using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, close.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                }
            }
            else
            {
                ws.Abort();
            }
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket ws, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[Math.Max(Spec.ReceiveBufferBytes, 1024)];
        while (!cancellationToken.IsCancellationRequested)
        {
            if (ShouldStall())
            {
                // Stop reading: the server's send buffer fills and it must drop us (4002 or a reset).
                await Task.Delay(Spec.StallFor, cancellationToken).ConfigureAwait(false);
            }

            var pause = SlowPauseDue();
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            }

            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= MaxFrameBytes)
                    {
                        throw new MessagePackSerializationException($"frame larger than {MaxFrameBytes} bytes");
                    }

                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                result = await ws.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                ClosedByServer((int)(ws.CloseStatus ?? WebSocketCloseStatus.Empty), ws.CloseStatusDescription);
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary && ProcessFrame(buffer.AsMemory(0, length)) && Spec.CloseAfterAck)
            {
                return;
            }

            if (_replayDue)
            {
                _replayDue = false;
                await SendReplayAsync(ws, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Decodes one frame; returns true when it carried the subscribe ack.</summary>
    private bool ProcessFrame(ReadOnlyMemory<byte> frame)
    {
        long now = Now();
        var stats = Stats;
        stats.Frames++;
        if (Spec.Replay is null)
        {
            // Live payload only: replayed bytes would swamp the live clients' MB/s.
            stats.Bytes += frame.Length;
        }
        var reader = new FrameReader(frame);
        bool acked = false;
        long updates = 0;
        while (reader.Remaining > 0)
        {
            if (reader.TryReadTick(out Tick tick, out ServerMessage? other))
            {
                if (tick.SymbolId >= ReplaySymbolIdBase)
                {
                    CheckReplaySequence(in tick);
                    continue;
                }

                updates++;
                RecordLatency(now, tick.Timestamp);
                CheckSequence(in tick);
                if (_reconnectUnixNanos != 0 && Stats.LiveAt is null && Stats.ResumeAckAt is not null && tick.Timestamp >= _reconnectUnixNanos)
                {
                    Stats.LiveAt = Context.Clock.Elapsed;
                }
            }
            else
            {
                acked |= Handle(other!);
            }
        }

        stats.Updates += updates;
        return acked;
    }

    private void CheckSequence(in Tick tick)
    {
        int id = tick.SymbolId;
        if ((uint)id >= (uint)_lastSeq.Length)
        {
            return;
        }

        if (Spec.FullMode)
        {
            long prev = _lastSeq[id];
            if (prev != 0 && tick.Sequence != prev + 1)
            {
                Stats.Gaps++;
            }

            _lastSeq[id] = tick.Sequence;
            return;
        }

        long[] last = tick.Kind == TickKind.Trade ? _lastTradeSeq : _lastSeq;
        if (tick.Sequence < last[id])
        {
            Stats.Gaps++;
        }

        last[id] = tick.Sequence;
    }

    private static Dictionary<int, string> NamesById(SubscribeAckMessage ack)
    {
        var names = new Dictionary<int, string>(ack.Symbols.Count);
        foreach (var symbol in ack.Symbols)
        {
            names[symbol.SymbolId] = symbol.Symbol;
        }

        return names;
    }

    private async Task SendReplayAsync(ClientWebSocket ws, CancellationToken cancellationToken)
    {
        var replay = Spec.Replay!;
        _replaysSent++;
        byte[] request = ControlRequestWriter.ToMessagePack(new ControlRequest
        {
            Op = ControlRequest.Ops.Replay,
            Id = _replaysSent,
            Dataset = replay.Dataset,
            Speed = replay.Speed,
            Mode = DeliveryMode.Full,
        });
        _replayReceived = 0;
        _replayLastSeq.Clear();
        _replaySentAt = Context.Clock.Elapsed;
        await ws.SendAsync(request, WebSocketMessageType.Binary, true, cancellationToken).ConfigureAwait(false);
    }

    private void CheckReplaySequence(in Tick tick)
    {
        _replayReceived++;
        Stats.ReplayTicks++;
        if (_replayLastSeq.TryGetValue(tick.SymbolId, out long prev) && tick.Sequence != prev + 1)
        {
            Stats.Gaps++;
        }

        _replayLastSeq[tick.SymbolId] = tick.Sequence;
    }

    private void ReplayEnded(ReplayEndMessage end)
    {
        var run = new ReplayRun(_replaySentAt, Context.Clock.Elapsed, _replayReceived, end.TicksSent, end.Reason);
        Stats.ReplayRuns.Add(run);
        if (!run.Ok)
        {
            Stats.Error ??= $"replay {end.ReplayId}: {end.Reason}, received {run.TicksReceived} of {run.TicksSent} ticks";
        }

        _replayDue = _replaysSent < Spec.Replay!.Iterations;
    }

    private bool Handle(ServerMessage message)
    {
        switch (message)
        {
            case ReplayStartMessage:
                if (!Stats.Subscribed)
                {
                    AckedAt(_scheduledStart, _replaySentAt);
                }

                return false;
            case ReplayEndMessage end when Spec.Replay is not null:
                ReplayEnded(end);
                return false;
            case SnapshotMessage { State.SymbolId: >= ReplaySymbolIdBase } replaySnapshot:
                _replayLastSeq[replaySnapshot.State.SymbolId] = replaySnapshot.State.Sequence;
                return false;
            case ErrorMessage error when Spec.Replay is not null:
                Stats.ServerErrors++;
                Stats.Error ??= $"replay request: error {error.Code} {error.CodeName}: {error.Message}";
                return false;
            case SubscribeAckMessage ack:
                AckedAt(_scheduledStart, _subscribeSentAt);
                _namesById ??= NamesById(ack);
                if (_reconnectUnixNanos != 0)
                {
                    Stats.ResumeAckAt = Context.Clock.Elapsed;
                    foreach (bool recovered in ack.Recovered ?? [])
                    {
                        Stats.RecoveredSymbols += recovered ? 1 : 0;
                    }
                }

                return true;
            case StatusMessage { State: "welcome" } welcome:
                _epoch = welcome.Details.TryGetValue("epoch", out object? epoch) ? Convert.ToInt64(epoch, System.Globalization.CultureInfo.InvariantCulture) : 0;
                return false;
            case SnapshotMessage snapshot:
            {
                int id = snapshot.State.SymbolId;
                if ((uint)id < (uint)_lastSeq.Length)
                {
                    _lastSeq[id] = Spec.FullMode ? snapshot.State.Sequence : snapshot.State.QuoteSequence;
                    _lastTradeSeq[id] = snapshot.State.TradeSequence;
                }

                return false;
            }

            case ErrorMessage:
                Stats.ServerErrors++;
                return false;
            case StatusMessage { State: "lagging" }:
                Stats.LagEpisodes++;
                return false;
            default:
                return false;
        }
    }
}
