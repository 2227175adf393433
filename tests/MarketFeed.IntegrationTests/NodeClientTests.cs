using System.Diagnostics;
using MarketFeed.Testing;
using Xunit.Abstractions;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The non-.NET client (node's ws + @msgpack/msgpack, tests/node) against a real server. The test
/// command installs its npm packages (.ci/test.sh); without them this test fails with that hint.
/// </summary>
public sealed class NodeClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NodeClientWrittenFromProtocolDoc_PassesAgainstRealServer()
    {
        string dir = Path.Combine(TestPaths.RepoRoot, "tests", "node");
        Assert.True(Directory.Exists(Path.Combine(dir, "node_modules", "ws")), "run 'npm ci' in tests/node (the test command does this)");
        await using var server = await FeedServer.StartAsync("--rate", "20000");

        var start = new ProcessStartInfo("node", "--test --test-reporter=spec protocol-client.test.mjs")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MARKETFEED_URL"] = server.WebSocketUri.ToString();
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("pass 4", await stdout, StringComparison.Ordinal);
    }
}
