using System.Diagnostics;
using System.Text.RegularExpressions;
using MarketFeed.Protocol;
using MarketFeed.Sources.TickLog;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// kill -9 of a server recording at a high rate, then inspect and replay what it left (issue #10):
/// everything recorded before the last completed flush is there, in sequence; the log is reported
/// unclosed (or damaged at its torn tail), never "intact".
/// </summary>
public sealed partial class RecorderCrashTests
{
    [Fact]
    public async Task Kill9_WhileRecording_EveryTickBeforeTheLastFlushIsIntact_LogIsUnclosed_ReplayIsHonest()
    {
        string dir = Path.Combine(Path.GetTempPath(), "marketfeed-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string serverDll = Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Server", "bin", "Release", "net10.0", "MarketFeed.Server.dll");
        Assert.True(File.Exists(serverDll), "build src/MarketFeed.Server in Release first: " + serverDll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { serverDll, "--urls", "http://127.0.0.1:0", "--rate", "50000", "--Recording:Enabled=true", "--Recording:Directory=" + dir, "--Recording:FlushIntervalMs=100" })
        {
            start.ArgumentList.Add(a);
        }

        long onDiskAtLeast;
        using (var process = Process.Start(start)!)
        {
            try
            {
                // The server prints its URL when it listens: the signal that it is up.
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                Uri? baseUri = null;
                while (baseUri is null && await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
                {
                    if (ListeningLine().Match(line) is { Success: true } m)
                    {
                        baseUri = new Uri(m.Groups[1].Value);
                    }
                }

                Assert.NotNull(baseUri);
                _ = process.StandardOutput.ReadToEndAsync(cts.Token);
                _ = process.StandardError.ReadToEndAsync(cts.Token);
                using var http = new HttpClient { BaseAddress = baseUri };

                // Recorded ticks R, then two more completed flushes: R ticks are on disk for sure.
                var (recorded, flushes) = await RecorderCountsAsync(http, cts.Token);
                for (int i = 0; i < 600 && recorded < 30_000; i++)
                {
                    await Task.Delay(20, cts.Token); // polling the server's counters until enough was recorded
                    (recorded, flushes) = await RecorderCountsAsync(http, cts.Token);
                }

                long target = flushes + 2;
                for (int i = 0; i < 600 && flushes < target; i++)
                {
                    await Task.Delay(20, cts.Token);
                    (_, flushes) = await RecorderCountsAsync(http, cts.Token);
                }

                Assert.True(flushes >= target, "the recorder flushed");
                onDiskAtLeast = recorded;
            }
            finally
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no footer
                await process.WaitForExitAsync();
            }
        }

        try
        {
            string file = Assert.Single(Directory.GetFiles(dir, "*.mflog"));
            var summary = TickLogInspector.Inspect(file);
            Assert.False(summary.HasFooterIndex);
            Assert.NotEqual("intact", summary.State); // inspect exits 3 for it (docs/replay.md)
            Assert.All(summary.Damage, d => Assert.Equal(TickLogDamageKind.TruncatedBlock, d.Kind)); // at most a torn tail
            Assert.True(summary.Ticks >= onDiskAtLeast, $"{summary.Ticks} ticks in the file, {onDiskAtLeast} were flushed before the kill");
            Assert.All(summary.Symbols, s => Assert.Equal(0, s.SequenceGaps));
            Assert.All(summary.Symbols, s => Assert.True(s.Ticks == 0 || s.FirstSequence == 1));

            // Replay it: every readable tick, and the end reason says whether the tail was torn.
            await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + dir);
            await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await client.SendAsync(new ControlRequest { Op = "replay", Id = 1, Dataset = Path.GetFileNameWithoutExtension(file), Speed = double.PositiveInfinity }, cts.Token);
            long ticks = 0;
            var end = Assert.IsType<ReplayEndMessage>(await client.ReceiveUntilAsync(
                m =>
                {
                    if (m is QuoteMessage or TradeMessage)
                    {
                        ticks++;
                    }

                    return m is ReplayEndMessage or ErrorMessage;
                },
                cts.Token));
            Assert.Equal(summary.Ticks, ticks);
            Assert.Equal(summary.Damage.Count == 0 ? "completed" : "damaged", end.Reason);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(long Recorded, long Flushes)> RecorderCountsAsync(HttpClient http, CancellationToken ct)
    {
        var metrics = PrometheusText.Parse(await http.GetStringAsync("/metrics", ct));
        return ((long)metrics.GetValueOrDefault("marketfeed_recorder_recorded_ticks_total"), (long)metrics.GetValueOrDefault("marketfeed_recorder_flushes_total"));
    }

    [GeneratedRegex(@"MarketFeed listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
