using System.Net.WebSockets;
using System.Threading.Channels;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.UnitTests.Client;

/// <summary>One accepted connection of the <see cref="FakeFeedServer"/>: the test reads control requests and sends frames.</summary>
public sealed class FakeFeedConnection : IDisposable
{
    private readonly WebSocket _socket;
    private readonly Channel<ControlRequest> _requests = Channel.CreateUnbounded<ControlRequest>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeFeedConnection(WebSocket socket, string? subProtocol)
    {
        _socket = socket;
        SubProtocol = subProtocol;
    }

    public string? SubProtocol { get; }

    /// <summary>Completes with the client's close status when the client closes (null if the connection just dropped).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int count = 0;
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(new ArraySegment<byte>(buffer, count, buffer.Length - count), cancellationToken);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(result.CloseStatus);
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                    }

                    return;
                }

                var request = result.MessageType == WebSocketMessageType.Binary
                    ? ControlRequestParser.ParseMessagePack(buffer.AsMemory(0, count).ToArray())
                    : ControlRequestParser.ParseJson(buffer.AsSpan(0, count));
                _requests.Writer.TryWrite(request);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            _closed.TrySetResult(null);
        }
        finally
        {
            _requests.Writer.TryComplete();
        }
    }

    /// <summary>Waits for the next control request from the client.</summary>
    public async Task<ControlRequest> ReceiveRequestAsync() =>
        await _requests.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Signal);

    public Task SendWelcomeAsync(long heartbeatMs) => SendAsync(b => b.Add(heartbeatMs, static (ref MessagePackWriter w, long hb) =>
        MessageEncoder.WriteStatus(ref w, "welcome",
        [
            new("server", "MarketFeed"),
            new("protocol", 1L),
            new("connectionId", "c-test"),
            new("heartbeatMs", hb),
            new("maxSymbolsPerConnection", 1000L),
        ])));

    /// <summary>Answers a subscribe: ack plus one snapshot per symbol (seq/prices from <paramref name="snapshots"/>).</summary>
    public Task SendSubscribeAckAsync(long requestId, DeliveryMode mode, int throttle, IReadOnlyList<SymbolInfo> symbols, params MarketSnapshot[] snapshots) =>
        SendAsync(b =>
        {
            b.Add((requestId, mode, throttle, symbols), static (ref MessagePackWriter w, (long Id, DeliveryMode Mode, int Throttle, IReadOnlyList<SymbolInfo> Symbols) s) =>
                MessageEncoder.WriteSubscribeAck(ref w, s.Id, s.Mode, s.Throttle, s.Symbols));
            foreach (var snapshot in snapshots)
            {
                b.AddSnapshot(snapshot);
            }
        });

    public Task SendTicksAsync(params Tick[] ticks) => SendAsync(b =>
    {
        foreach (var tick in ticks)
        {
            b.AddTick(tick);
        }
    });

    public Task SendPongAsync(long requestId, long clientTime, long serverTime) =>
        SendAsync(b => b.Add((requestId, clientTime, serverTime), static (ref MessagePackWriter w, (long Id, long Client, long Server) s) =>
            MessageEncoder.WritePong(ref w, s.Id, s.Client, s.Server)));

    /// <summary>Builds one frame with <paramref name="build"/> and sends it.</summary>
    public async Task SendAsync(Action<FrameBuilder> build)
    {
        using var builder = new FrameBuilder(1024);
        build(builder);
        var frame = builder.Complete();
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends arbitrary bytes as one binary message.</summary>
    public async Task SendRawAsync(byte[] payload)
    {
        await _sendLock.WaitAsync();
        try
        {
            await _socket.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends a close frame with <paramref name="code"/> (e.g. 4001) and waits for the client's answer.</summary>
    public async Task CloseAsync(int code, string reason)
    {
        await _socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        await _closed.Task.WaitAsync(TestTimeouts.Signal);
    }

    /// <summary>Releases the send lock (the fake server disposes its connections when it stops).</summary>
    public void Dispose() => _sendLock.Dispose();
}
