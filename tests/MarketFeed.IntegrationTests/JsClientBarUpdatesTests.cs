using System.Diagnostics;
using MarketFeed.Testing;
using Xunit.Abstractions;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The JS client (src/MarketFeed.Dashboard/client, in node) against a real server: live bar updates.
/// Needs the dashboard's npm packages (the test command installs them).
/// </summary>
public sealed class JsClientBarUpdatesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task JsClient_LiveBarUpdates_EqualTheTradesOfTheirBars()
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Dashboard");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "ws")), "run 'npm ci' in src/MarketFeed.Dashboard (the test command does this)");
        await using var server = await FeedServer.StartAsync("--rate", "20000");

        var start = new ProcessStartInfo("node", "--test --test-reporter=spec test/live/bar-updates.live.mjs")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MARKETFEED_WS_URL"] = server.WebSocketUri.ToString();
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("pass 1", await stdout, StringComparison.Ordinal);
    }
}
