using MarketFeed.LoadTests.Running;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace MarketFeed.LoadTests.Clients;

/// <summary>
/// A subscriber of the SignalR baseline hub: WebSockets transport (negotiation skipped), MessagePack
/// hub protocol, <c>Subscribe(symbols)</c>, handlers for "q" and "t". The SignalR client awaits a
/// handler before dispatching the next message, so a staller's or slow reader's handler delay
/// stops it reading, like a stalled MarketFeed client.
/// </summary>
public sealed class SignalRClient(int index, ClientSpec spec, RunContext context) : VirtualClient(index, spec, context)
{
    private long[] _lastSeq = [];
    private CancellationToken _token;

    /// <inheritdoc />
    public override async Task RunAsync(TimeSpan scheduledStart, CancellationToken cancellationToken)
    {
        _token = cancellationToken;
        _lastSeq = NewSequenceArray(Context.SymbolCount);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Context.BaseUri, "/hub"), HttpTransportType.WebSockets, o =>
            {
                o.SkipNegotiation = true;
                if (Spec.Role == ClientRole.Staller)
                {
                    o.WebSocketFactory = async (ctx, token) =>
                    {
                        var ws = new System.Net.WebSockets.ClientWebSocket();
                        await ws.ConnectAsync(ctx.Uri, LoopbackConnector.SmallReceiveBuffer, token).ConfigureAwait(false);
                        return ws;
                    };
                }
            })
            .AddMessagePackProtocol()
            .Build();
        connection.On<SignalRQuote>("q", q => OnTick(q.SymbolId, q.Sequence, q.Timestamp));
        connection.On<SignalRTrade>("t", t => OnTick(t.SymbolId, t.Sequence, t.Timestamp));
        connection.Closed += ex =>
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                ClosedByServer(1006, ex?.GetType().Name ?? "closed");
            }

            return Task.CompletedTask;
        };
        try
        {
            try
            {
                using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                setup.CancelAfter(SetupTimeout);
                await connection.StartAsync(setup.Token).ConfigureAwait(false);
                ConnectedAt(scheduledStart);
                var sentAt = Context.Clock.Elapsed;
                await connection.InvokeAsync<SignalRSubscribeResult>("Subscribe", Spec.Symbols.ToArray(), setup.Token).ConfigureAwait(false);
                AckedAt(scheduledStart, sentAt);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                SetupFailed($"connect/subscribe: {ex.GetType().Name}: {ex.Message}");
                return;
            }

            if (!Spec.CloseAfterAck)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Stats.Connected = false;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await connection.StopAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task OnTick(int symbolId, long sequence, long timestamp)
    {
        long now = Now();
        var stats = Stats;
        stats.Updates++;
        stats.Frames++;
        RecordLatency(now, timestamp);
        if ((uint)symbolId < (uint)_lastSeq.Length)
        {
            long prev = _lastSeq[symbolId];
            if (prev != 0 && sequence != prev + 1)
            {
                stats.Gaps++;
            }

            _lastSeq[symbolId] = sequence;
        }

        if (ShouldStall())
        {
            return DelayQuietly(Spec.StallFor);
        }

        var pause = SlowPauseDue();
        return pause > TimeSpan.Zero ? DelayQuietly(pause) : Task.CompletedTask;
    }

    private async Task DelayQuietly(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
