using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using MarketFeed.Gateway.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace MarketFeed.Benchmarks;

/// <summary>
/// permessage-deflate (issue 13 part 9) on real frames: a MarketFeed server runs in this process
/// (simulator over config/symbols.csv), a client records the binary frames it receives for a
/// conflated dashboard mix and for full mode, then each benchmark sends those frames through the
/// .NET server-side WebSocket (the one ASP.NET Core uses) into a byte-counting stream, with and
/// without the deflate extension. CPU per frame comes from the benchmark; wire bytes are printed
/// once in the setup ("wire bytes: ..."). Run it in process (the setup starts a server):
/// <c>-- --filter '*Compression*' --inProcess --warmupCount 3 --iterationCount 10</c>.
/// </summary>
[MemoryDiagnoser]
public class CompressionBenchmarks
{
    private static readonly string[] DashboardWatchlist = ["AAPL", "MSFT", "NVDA", "TSLA", "BTCUSDT"];
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<byte[]>> s_captures = new();
    private List<byte[]> _frames = [];

    /// <summary>
    /// <c>conflated</c>: the dashboard's default watchlist as it subscribes (conflated, unthrottled;
    /// the symbols of src/MarketFeed.Dashboard/app/watchlist-store.js the universe has); <c>full</c>:
    /// every tick of the same symbols.
    /// </summary>
    [Params("conflated", "full")]
    public string Mode { get; set; } = "conflated";

    [GlobalSetup]
    public void Setup()
    {
        // One capture per mode for the whole (in-process) run, so that every method sends the same frames.
        _frames = s_captures.GetOrAdd(Mode, mode => CaptureAsync(mode, frames: 2000, TimeSpan.FromSeconds(20)).GetAwaiter().GetResult());
        long payload = _frames.Sum(f => (long)f.Length);
        long plain = WireBytes(null);
        long deflate = WireBytes(new WebSocketDeflateOptions());
        long noTakeover = WireBytes(new WebSocketDeflateOptions { ServerContextTakeover = false });
        Console.WriteLine(
            $"// wire bytes ({Mode}, {_frames.Count} frames, {payload / (double)_frames.Count:F0} B payload per frame): " +
            $"plain {plain}, deflate {deflate} ({deflate / (double)plain:P1}), deflate without context takeover {noTakeover} ({noTakeover / (double)plain:P1})");
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2000)]
    public long Plain() => Send(null);

    [Benchmark(OperationsPerInvoke = 2000)]
    public long Deflate() => Send(new WebSocketDeflateOptions());

    [Benchmark(OperationsPerInvoke = 2000)]
    public long DeflateNoContextTakeover() => Send(new WebSocketDeflateOptions { ServerContextTakeover = false });

    private long WireBytes(WebSocketDeflateOptions? deflate) => Send(deflate);

    private long Send(WebSocketDeflateOptions? deflate)
    {
        using var stream = new CountingStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero, DangerousDeflateOptions = deflate });
        foreach (byte[] frame in _frames)
        {
            ValueTask send = socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
            if (!send.IsCompletedSuccessfully)
            {
                send.AsTask().GetAwaiter().GetResult();
            }
        }

        return stream.Written;
    }

    /// <summary>Starts a server, subscribes one client, records the payload of every binary message it receives.</summary>
    private static async Task<List<byte[]>> CaptureAsync(string mode, int frames, TimeSpan limit)
    {
        if (Environment.GetEnvironmentVariable("MARKETFEED_CONFIG_DIR") is null or "")
        {
            // The repository's config folder (symbols.csv), wherever BenchmarkDotNet runs this from.
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MarketFeed.sln")))
            {
                dir = dir.Parent;
            }

            Environment.SetEnvironmentVariable("MARKETFEED_CONFIG_DIR", Path.Combine(dir?.FullName ?? ".", "config"));
        }

        var app = MarketFeedHost.Build(["--urls", "http://127.0.0.1:0", "--rate", "5000", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync().ConfigureAwait(false);
        try
        {
            var uri = new Uri(app.Urls.First().Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/') + "/ws/v1");
            using var cts = new CancellationTokenSource(limit);
            using var client = new ClientWebSocket();
            await client.ConnectAsync(uri, cts.Token).ConfigureAwait(false);
            var universe = app.Services.GetRequiredService<FeedRuntime>().Universe;
            string symbols = string.Join(",", DashboardWatchlist.Where(n => universe.Symbols.Any(s => s.Name == n)).Select(n => "\"" + n + "\""));
            string subscribe = $$"""{"op":"subscribe","id":1,"mode":"{{mode}}","symbols":[{{symbols}}]}""";
            await client.SendAsync(Encoding.UTF8.GetBytes(subscribe), WebSocketMessageType.Text, true, cts.Token).ConfigureAwait(false);

            var captured = new List<byte[]>(frames);
            var buffer = new byte[1 << 20];
            while (captured.Count < frames)
            {
                int length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await client.ReceiveAsync(buffer.AsMemory(length), cts.Token).ConfigureAwait(false);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    captured.Add(buffer.AsSpan(0, length).ToArray());
                }
            }

            return captured;
        }
        finally
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A write-only stream that counts bytes.</summary>
    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Written += count;
            return Task.CompletedTask;
        }
    }
}
