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

    /// <inheritdoc />
    public override async Task RunAsync(TimeSpan scheduledStart, CancellationToken cancellationToken)
    {
        _scheduledStart = scheduledStart;
        _lastSeq = NewSequenceArray(Context.SymbolCount);
        _lastTradeSeq = NewSequenceArray(Context.SymbolCount);
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
            case SubscribeAckMessage:
                AckedAt(_scheduledStart, _subscribeSentAt);
                return true;
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
