using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// A WebSocket client written on a bare TCP socket, for tests that need frames no well-behaved
/// client sends (a 2^62-byte length, a half-finished handshake). Client frames are masked with a
/// zero key, so the payload goes out as written.
/// </summary>
public sealed class RawTcpWebSocket : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawTcpWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>The TCP stream (for raw writes).</summary>
    public NetworkStream Stream => _stream;

    /// <summary>Opens a TCP connection to the server of <paramref name="uri"/> without sending anything.</summary>
    public static async Task<RawTcpWebSocket> OpenAsync(Uri uri, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(uri.Host, uri.Port, ct).ConfigureAwait(false);
        return new RawTcpWebSocket(tcp);
    }

    /// <summary>Opens a connection and completes the upgrade; throws unless the server answers 101.</summary>
    public static async Task<RawTcpWebSocket> ConnectAsync(Uri uri, CancellationToken ct)
    {
        var socket = await OpenAsync(uri, ct).ConfigureAwait(false);
        await socket.SendUpgradeRequestAsync(uri, ct).ConfigureAwait(false);
        string head = await socket.ReadHttpHeadAsync(ct).ConfigureAwait(false);
        if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("upgrade refused: " + head);
        }

        return socket;
    }

    /// <summary>Sends a WebSocket upgrade request for <paramref name="uri"/> (the answer is not read).</summary>
    public Task SendUpgradeRequestAsync(Uri uri, CancellationToken ct) => WriteAsync(
        Encoding.ASCII.GetBytes(
            $"GET {uri.AbsolutePath} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"),
        ct);

    /// <summary>Writes raw bytes.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct) => await _stream.WriteAsync(bytes, ct).ConfigureAwait(false);

    /// <summary>Writes a masked frame header announcing <paramref name="length"/> payload bytes (any length, up to 2^63-1).</summary>
    public Task WriteFrameHeaderAsync(byte opcode, bool fin, long length, CancellationToken ct)
    {
        var header = new byte[14];
        header[0] = (byte)((fin ? 0x80 : 0) | opcode);
        int n;
        if (length < 126)
        {
            header[1] = (byte)(0x80 | length);
            n = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            header[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)length);
            n = 4;
        }
        else
        {
            header[1] = 0x80 | 127;
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(2), length);
            n = 10;
        }

        // Mask key 0: the payload is sent unchanged.
        return WriteAsync(header.AsMemory(0, n + 4), ct);
    }

    /// <summary>Reads up to the end of an HTTP response head (or what came before the server closed).</summary>
    public async Task<string> ReadHttpHeadAsync(CancellationToken ct)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16 * 1024)
        {
            if (await _stream.ReadAsync(one, ct).ConfigureAwait(false) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    /// <summary>Reads frames until a close frame (its status code) or the end of the stream (null).</summary>
    public async Task<int?> ReadUntilCloseAsync(CancellationToken ct, List<byte[]>? dataFrames = null)
    {
        var header = new byte[8];
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(header.AsMemory(0, 2), ct).ConfigureAwait(false))
            {
                return null;
            }

            int opcode = header[0] & 0x0F;
            long length = header[1] & 0x7F;
            if (length == 126)
            {
                if (!await ReadExactlyOrEndAsync(header.AsMemory(0, 2), ct).ConfigureAwait(false))
                {
                    return null;
                }

                length = BinaryPrimitives.ReadUInt16BigEndian(header);
            }
            else if (length == 127)
            {
                if (!await ReadExactlyOrEndAsync(header.AsMemory(0, 8), ct).ConfigureAwait(false))
                {
                    return null;
                }

                length = BinaryPrimitives.ReadInt64BigEndian(header);
            }

            var payload = new byte[length];
            if (!await ReadExactlyOrEndAsync(payload, ct).ConfigureAwait(false))
            {
                return null;
            }

            if (opcode == 8)
            {
                return payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(payload) : 1005;
            }

            dataFrames?.Add(payload);
        }
    }

    /// <summary>True if the server closed the TCP connection (read returned 0 or the connection was reset).</summary>
    public async Task<bool> ServerClosedAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(buffer, ct).ConfigureAwait(false) == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<bool> ReadExactlyOrEndAsync(Memory<byte> buffer, CancellationToken ct)
    {
        try
        {
            await _stream.ReadExactlyAsync(buffer, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
