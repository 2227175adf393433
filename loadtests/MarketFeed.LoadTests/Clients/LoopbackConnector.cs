using System.Net.Sockets;

namespace MarketFeed.LoadTests.Clients;

/// <summary>
/// HTTP invokers for WebSocket upgrades. Stallers use one whose sockets have a small, fixed
/// receive buffer: Linux autotunes loopback receive buffers up to tens of MB, which would let a
/// "stalled" client absorb a long stretch of the feed before the server ever saw back-pressure.
/// </summary>
public static class LoopbackConnector
{
    /// <summary>Receive buffer of a staller's socket.</summary>
    public const int StallerReceiveBufferBytes = 16 * 1024;

    private static int _next;

    /// <summary>
    /// Loopback source addresses to spread sockets over (127.0.0.2 .. 127.0.0.(1 + n)); 0 = let the
    /// kernel pick (one address: about 28k ephemeral ports towards one server port). Set once at start.
    /// </summary>
    public static int SourceAddresses { get; set; }

    /// <summary>
    /// The first source address's low 16 bits (default 2 = 127.0.0.2): load generators running side by
    /// side give disjoint ranges. Set once at start.
    /// </summary>
    public static int FirstSourceAddress { get; set; } = 2;

    /// <summary>Default sockets (kernel autotuning).</summary>
    public static HttpMessageInvoker Default { get; } = Create(null);

    /// <summary>Sockets with a <see cref="StallerReceiveBufferBytes"/> receive buffer.</summary>
    public static HttpMessageInvoker SmallReceiveBuffer { get; } = Create(StallerReceiveBufferBytes);

#pragma warning disable CA2000 // the two invokers live for the process; the invoker owns its handler
    private static HttpMessageInvoker Create(int? receiveBuffer) => new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            if (receiveBuffer is { } size)
            {
                socket.ReceiveBufferSize = size;
            }

            try
            {
                if (SourceAddresses > 0)
                {
                    int n = FirstSourceAddress + (int)((uint)Interlocked.Increment(ref _next) % (uint)SourceAddresses);
                    socket.Bind(new System.Net.IPEndPoint(new System.Net.IPAddress([127, 0, (byte)(n >> 8), (byte)n]), 0));
                }

                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    });
#pragma warning restore CA2000
}
