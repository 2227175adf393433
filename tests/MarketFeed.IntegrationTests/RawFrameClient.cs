using System.Net.Sockets;
using System.Text;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// A WebSocket client written at the byte level (RFC 6455) so a test can send frames no
/// conforming client library would: reserved opcodes, RSV bits, unmasked frames, bad close codes.
/// </summary>
public sealed class RawFrameClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawFrameClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Payloads of the binary frames read so far.</summary>
    public List<byte[]> BinaryFrames { get; } = [];

    /// <summary>Connects and completes the upgrade handshake.</summary>
    public static async Task<RawFrameClient> ConnectAsync(Uri webSocketUri, CancellationToken ct)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(webSocketUri.Host, webSocketUri.Port, ct);
        var client = new RawFrameClient(tcp);
        string request =
            $"GET {webSocketUri.AbsolutePath} HTTP/1.1\r\nHost: {webSocketUri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request), ct);

        // Read the response head byte by byte (frames may follow it in the same segment).
        var head = new StringBuilder();
        byte[] one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await client._stream.ReadAsync(one, ct) == 0 || head.Length > 8192)
            {
                throw new IOException("no upgrade response");
            }

            head.Append((char)one[0]);
        }

        if (!head.ToString().StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
        {
            throw new IOException("upgrade refused: " + head);
        }

        return client;
    }

    /// <summary>Sends one frame: <paramref name="first"/> is the FIN/RSV/opcode byte.</summary>
    public async Task SendFrameAsync(byte first, byte[] payload, bool masked, CancellationToken ct)
    {
        if (payload.Length > 125)
        {
            throw new ArgumentException("short frames only", nameof(payload));
        }

        var frame = new List<byte> { first, (byte)((masked ? 0x80 : 0) | payload.Length) };
        byte[] mask = [0x11, 0x22, 0x33, 0x44];
        if (masked)
        {
            frame.AddRange(mask);
        }

        for (int i = 0; i < payload.Length; i++)
        {
            frame.Add(masked ? (byte)(payload[i] ^ mask[i % 4]) : payload[i]);
        }

        await _stream.WriteAsync(frame.ToArray(), ct);
    }

    /// <summary>
    /// Reads server frames until a close frame (its status code) or the end of the connection
    /// (null: EOF or reset without a close frame).
    /// </summary>
    public async Task<int?> ReadUntilCloseAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                byte[] header = await ReadExactlyAsync(2, ct);
                int opcode = header[0] & 0x0f;
                long length = header[1] & 0x7f;
                if (length == 126)
                {
                    byte[] ext = await ReadExactlyAsync(2, ct);
                    length = (ext[0] << 8) | ext[1];
                }
                else if (length == 127)
                {
                    byte[] ext = await ReadExactlyAsync(8, ct);
                    length = 0;
                    foreach (byte b in ext)
                    {
                        length = (length << 8) | b;
                    }
                }

                byte[] payload = await ReadExactlyAsync((int)length, ct);
                if (opcode == 8)
                {
                    return payload.Length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
                }

                if (opcode == 2)
                {
                    BinaryFrames.Add(payload);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        byte[] buffer = new byte[count];
        await _stream.ReadExactlyAsync(buffer, ct);
        return buffer;
    }
}
