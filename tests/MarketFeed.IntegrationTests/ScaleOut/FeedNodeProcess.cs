using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>
/// One MarketFeed node as a real process: the built MarketFeed.Server dll with configuration
/// arguments, its own Kestrel on a loopback port. Kill it to test what its peers and clients do.
/// </summary>
public sealed partial class FeedNodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;
    private readonly Task _stderrPump;
    private Task _stdoutPump = Task.CompletedTask;

    private bool _disposed;

    private FeedNodeProcess(Process process, Uri baseUri, StringBuilder output, Task stderrPump)
    {
        _process = process;
        _output = output;
        _stderrPump = stderrPump;
        BaseUri = baseUri;
        _http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>http://127.0.0.1:port/</summary>
    public Uri BaseUri { get; }

    /// <summary>ws://127.0.0.1:port/ws/v1</summary>
    public Uri WebSocketUri => new($"ws://{BaseUri.Authority}/ws/v1");

    /// <summary>The OS process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>The server dll the tests run (built with the test project).</summary>
    public static string ServerDll()
    {
        string dll = Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Server", "bin", "Release", "net10.0", "MarketFeed.Server.dll");
        Assert.True(File.Exists(dll), "build src/MarketFeed.Server in Release first: " + dll);
        return dll;
    }

    /// <summary>Start info for the server with arguments (on a free loopback port unless --urls is given).</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        string dll = ServerDll();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        if (!args.Contains("--urls"))
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add("http://127.0.0.1:0");
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__MarketFeed.Gateway.ScaleOut"] = "Information";
        return start;
    }

    /// <summary>Starts a node and waits until it listens.</summary>
    public static async Task<FeedNodeProcess> StartAsync(params string[] args)
    {
        var process = Process.Start(StartInfo(args))!;
        var output = new StringBuilder();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }
            }
        });
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                lock (output)
                {
                    output.AppendLine(line);
                }

                if (ListeningLine().Match(line) is { Success: true } m)
                {
                    var node = new FeedNodeProcess(process, new Uri(m.Groups[1].Value), output, stderr);
                    node.DrainStandardOutput();
                    return node;
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(CancellationToken.None);
        await stderr;
        Assert.Fail($"node exited ({process.ExitCode}) before listening: {string.Join(' ', args)}\n{output}");
        return null!;
    }

    /// <summary>Runs a node that is expected to fail at start; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToFailureAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        using var cts = new CancellationTokenSource(timeout);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return (-1, "still running after " + timeout + ": " + await stdout + await stderr);
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Everything the node printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>GET /health as JSON.</summary>
    public async Task<JsonElement> HealthAsync(CancellationToken ct = default)
    {
        string text = await _http.GetStringAsync("/health", ct);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A metric's value from /metrics (0 if absent).</summary>
    public async Task<long> MetricAsync(string name, CancellationToken ct = default)
    {
        string text = await _http.GetStringAsync("/metrics", ct);
        return PrometheusText.Parse(text).TryGetValue(name, out double value) ? (long)value : 0;
    }

    /// <summary>Sends SIGTERM (a clean shutdown) and returns the exit code; fails the test if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        await SignalTerminateAsync();
        return await WaitForExitAsync(timeout);
    }

    /// <summary>Sends SIGTERM and returns at once (the node shuts down by itself).</summary>
    public async Task SignalTerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit by itself and returns its exit code; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            await Task.WhenAll(_stdoutPump, _stderrPump).WaitAsync(TimeSpan.FromSeconds(10)); // the last lines are in Output
        }
        catch (TimeoutException)
        {
            Assert.Fail($"node {ProcessId} still running {timeout} later:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process (SIGKILL) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_disposed)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // A cluster whose ingest restart failed half-way disposes the old node again: once is enough
        // (a second dispose threw "No process is associated" and hid the test's own failure).
        if (_disposed)
        {
            return;
        }

        await KillAsync();
        _disposed = true;
        _process.Dispose();
        _http.Dispose();
    }

    private void DrainStandardOutput()
    {
        _stdoutPump = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync(CancellationToken.None) is { } line)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        });
    }

    [GeneratedRegex(@"MarketFeed listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
