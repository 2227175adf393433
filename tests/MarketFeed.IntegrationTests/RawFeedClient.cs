using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// A minimal protocol client for end-to-end tests: a real <see cref="ClientWebSocket"/>, decoding
/// with the shared <see cref="FrameDecoder"/>. Reading is explicit so tests can stall it.
/// </summary>
public sealed class RawFeedClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Queue<ServerMessage> _pending = new();
    private byte[] _buffer = new byte[64 * 1024];

    private readonly HttpMessageInvoker _invoker;

    private RawFeedClient(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>The socket.</summary>
    public ClientWebSocket Socket => _socket;

    /// <summary>Close status once the server closed.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>
    /// Connects; <paramref name="receiveBufferBytes"/> shrinks the kernel receive buffer (to make a stalled
    /// client back up fast); <paramref name="configure"/> sets headers or subprotocols (credentials).
    /// </summary>
    public static async Task<RawFeedClient> ConnectAsync(Uri uri, int? receiveBufferBytes = null, Action<ClientWebSocketOptions>? configure = null, CancellationToken ct = default)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("marketfeed.v1");
        configure?.Invoke(socket.Options);
#pragma warning disable CA2000 // the invoker owns the handler; the client owns the invoker (disposed with it)
        var handler = new SocketsHttpHandler();
        var invoker = new HttpMessageInvoker(handler);
#pragma warning restore CA2000
        if (receiveBufferBytes is { } size)
        {
            handler.ConnectCallback = async (context, token) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = size };
                await s.ConnectAsync(context.DnsEndPoint, token).ConfigureAwait(false);
                return new NetworkStream(s, ownsSocket: true);
            };
        }

        await socket.ConnectAsync(uri, invoker, ct).ConfigureAwait(false);
        return new RawFeedClient(socket, invoker);
    }

    /// <summary>Sends a control message as MessagePack.</summary>
    public Task SendAsync(ControlRequest request, CancellationToken ct = default) =>
        _socket.SendAsync(ControlRequestWriter.ToMessagePack(request), WebSocketMessageType.Binary, true, ct);

    /// <summary>Sends a raw text frame.</summary>
    public Task SendTextAsync(string text, CancellationToken ct = default) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    /// <summary>Sends raw bytes as one frame of the given type.</summary>
    public Task SendAsync(byte[] bytes, WebSocketMessageType type, CancellationToken ct = default) =>
        _socket.SendAsync(bytes, type, true, ct);

    /// <summary>Sends raw binary bytes.</summary>
    public Task SendBinaryAsync(byte[] bytes, CancellationToken ct = default) =>
        _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, ct);

    /// <summary>Receives one frame and decodes it; null when the server closed.</summary>
    public async Task<List<ServerMessage>?> ReceiveFrameAsync(CancellationToken ct)
    {
        int total = 0;
        while (true)
        {
            if (total == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var result = await _socket.ReceiveAsync(_buffer.AsMemory(total), ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            total += result.Count;
            if (result.EndOfMessage)
            {
                return FrameDecoder.Decode(_buffer.AsMemory(0, total));
            }
        }
    }

    /// <summary>Receives messages until <paramref name="predicate"/> matches one (returned) or the server closes (null).</summary>
    public async Task<ServerMessage?> ReceiveUntilAsync(Func<ServerMessage, bool> predicate, CancellationToken ct, List<ServerMessage>? seen = null)
    {
        // Messages after a match in the same frame stay queued for the next call.
        while (true)
        {
            if (_pending.Count == 0)
            {
                var frame = await ReceiveFrameAsync(ct).ConfigureAwait(false);
                if (frame is null)
                {
                    return null;
                }

                foreach (var message in frame)
                {
                    _pending.Enqueue(message);
                }

                continue;
            }

            var m = _pending.Dequeue();
            seen?.Add(m);
            if (predicate(m))
            {
                return m;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>A subscribe request.</summary>
    public static ControlRequest Subscribe(long id, DeliveryMode mode, params string[] symbols) =>
        new() { Op = ControlRequest.Ops.Subscribe, Id = id, Mode = mode, Symbols = symbols };
}
