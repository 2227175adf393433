using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The real server process (the built MarketFeed.Server dll) restarted under a connected .NET
/// client: with recording on, a clean restart (SIGTERM) keeps the epoch and the client resumes with
/// no gap and no duplicate, every symbol recovered; a crash (SIGKILL) changes the epoch, so the
/// next resume is not recovered and every symbol gets a snapshot.
/// </summary>
public sealed class ServerRestartResumeTests
{
    [Fact]
    public async Task FullModeClient_ResumesAcrossACleanRestart_AndGetsSnapshotsAfterACrash()
    {
        using var dir = new TempDirectory();
        int port = FreePort();
        string[] args = ["--urls", $"http://127.0.0.1:{port}", "--rate", "20000", "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path, "--Recording:FlushIntervalMs=50"];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        string[] symbols = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "JPM", "V", "XOM"];

        ServerProcess server = await ServerProcess.StartAsync(args, ct);
        try
        {
            await using var client = new MarketFeedClient(new MarketFeedClientOptions
            {
                Uri = new Uri($"ws://127.0.0.1:{port}/ws/v1"),
                OverflowPolicy = MessageOverflowPolicy.Wait,
                ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
            });
            await client.ConnectAsync(ct);
            await client.SubscribeAsync(symbols, DeliveryMode.Full, cancellationToken: ct);

            var last = new Dictionary<int, long>();
            int phase = 0; // 0 first server, 1 after the clean restart, 2 after the crash
            long updates = 0;
            var snapshotsAfterCrash = new HashSet<int>();
            await foreach (ServerMessage m in client.ReadAllAsync(ct))
            {
                switch (m)
                {
                    case SnapshotMessage s:
                        Assert.True(phase != 1, "a snapshot after the clean restart: not recovered");
                        if (phase == 2)
                        {
                            snapshotsAfterCrash.Add(s.State.SymbolId);
                        }

                        last[s.State.SymbolId] = s.State.Sequence;
                        break;
                    case QuoteMessage or TradeMessage:
                        (int id, long seq) = m is QuoteMessage q ? (q.SymbolId, q.Sequence) : (((TradeMessage)m).SymbolId, ((TradeMessage)m).Sequence);
                        Assert.Equal(last[id] + 1, seq); // across the clean restart too: no gap, no duplicate
                        last[id] = seq;
                        updates++;
                        break;
                    case SubscriptionsResumedMessage r when phase == 1:
                        Assert.Empty(r.NotRecovered);
                        Assert.Equal(symbols.Length, r.Recovered.Count);
                        updates = 0;
                        break;
                    case SubscriptionsResumedMessage r when phase == 2:
                        Assert.Empty(r.Recovered); // a new epoch: nothing can be recovered
                        Assert.Equal(symbols.Length, r.NotRecovered.Count);
                        updates = 0;
                        break;
                    case SequenceGapMessage gap:
                        Assert.Fail($"gap reported: {gap}");
                        break;
                }

                if (phase == 0 && updates >= 5_000)
                {
                    // Clean stop (SIGTERM) mid-stream: the recorder flushes and saves the sequence state.
                    await server.StopAsync(ct);
                    Assert.True(File.Exists(dir.File("live-sequence-state.json")), "the clean shutdown saved the sequence state");
                    server = await ServerProcess.StartAsync(args, ct);
                    phase = 1;
                    updates = long.MinValue; // counts again once the resume is reported
                }
                else if (phase == 1 && updates >= 5_000)
                {
                    server.Kill(); // SIGKILL: the log may miss what clients saw, so the epoch must change
                    server = await ServerProcess.StartAsync(args, ct);
                    phase = 2;
                    updates = long.MinValue;
                }
                else if (phase == 2 && updates >= 2_000 && snapshotsAfterCrash.Count == symbols.Length)
                {
                    break;
                }
            }

            Assert.Equal(2, client.ReconnectCount);
            Assert.Equal(0, client.SequenceGapCount);
        }
        finally
        {
            server.Kill();
            server.Dispose();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The built server dll in a child process.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process) => _process = process;

        public static async Task<ServerProcess> StartAsync(string[] args, CancellationToken ct)
        {
            string serverDll = Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Server", "bin", "Release", "net10.0", "MarketFeed.Server.dll");
            Assert.True(File.Exists(serverDll), "build src/MarketFeed.Server in Release first: " + serverDll);
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(serverDll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(serverDll);
            foreach (string a in args)
            {
                start.ArgumentList.Add(a);
            }

            var process = Process.Start(start)!;
            var server = new ServerProcess(process);
            try
            {
                // The server prints its URL once it listens.
                while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
                {
                    if (line.StartsWith("MarketFeed listening on", StringComparison.Ordinal))
                    {
                        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                        _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                        return server;
                    }
                }

                throw new InvalidOperationException("the server exited before listening: " + await process.StandardError.ReadToEndAsync(ct));
            }
            catch
            {
                server.Kill();
                server.Dispose();
                throw;
            }
        }

        /// <summary>SIGTERM, then waits for a clean exit (code 0).</summary>
        public async Task StopAsync(CancellationToken ct)
        {
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync(ct);
            }

            await _process.WaitForExitAsync(ct);
            Assert.Equal(0, _process.ExitCode);
            _process.Dispose();
        }

        public void Kill()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit();
                }
            }
            catch (InvalidOperationException)
            {
                // Already disposed after a clean stop.
            }
        }

        public void Dispose() => _process.Dispose();
    }
}
