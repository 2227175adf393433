using System.Diagnostics;
using MarketFeed.Testing;
using Xunit.Abstractions;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The CI version of the soak (loadtests/soak/soak.mjs, docs/load-testing.md "Soak"): 30 s against
/// the real server process with readers, churners, stallers and fuzzers; the script fails on a
/// reader gap or unexpected close, a 1011, memory/handle/thread growth after the warm-up, a client
/// kind making no progress, or a server that does not exit 0 on SIGTERM.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ShortSoak_ChurnStallersFuzzers_ServerStaysFlatAndExitsCleanly()
    {
        Assert.True(Directory.Exists(Path.Combine(TestPaths.RepoRoot, "tests", "node", "node_modules", "ws")), "run 'npm ci' in tests/node (scripts/test.sh does this)");
        Assert.True(File.Exists(ServerProcess.ServerDll), "build src/MarketFeed.Server in Release first");
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = TestPaths.RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[]
        {
            "loadtests/soak/soak.mjs", "--duration", "30", "--warmup", "10", "--sample", "2",
            "--readers", "60", "--churners", "10", "--stallers", "5", "--fuzzers", "5", "--rate", "5000", "--journal", "16384", "--stall", "8",
        })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
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

        string text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(process.ExitCode == 0, text);
        Assert.Contains("soak: ok", text, StringComparison.Ordinal);
    }
}
