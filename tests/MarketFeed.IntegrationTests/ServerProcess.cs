using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// The built MarketFeed.Server (Release) as a real process on loopback: started with arguments,
/// up once it prints its listening line; stdout and stderr are collected for assertions.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly Task _pumps;

    private ServerProcess(Process process, StringBuilder output, Uri baseUri, Task pumps)
    {
        _process = process;
        _output = output;
        BaseUri = baseUri;
        WebSocketUri = new Uri(baseUri.ToString().Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + "/ws/v1");
        _pumps = pumps;
    }

    /// <summary>The server's first listening URL (http:// or https://).</summary>
    public Uri BaseUri { get; }

    /// <summary>ws:// or wss:// ... /ws/v1.</summary>
    public Uri WebSocketUri { get; }

    /// <summary>The operating-system process.</summary>
    public Process Process => _process;

    /// <summary>Everything the server wrote to stdout and stderr so far.</summary>
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

    /// <summary>Path of the Release server build (built by the test project, which references it).</summary>
    public static string ServerDll => Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Server", "bin", "Release", "net10.0", "MarketFeed.Server.dll");

    /// <summary>Starts the server and waits (bounded) for its listening line.</summary>
    public static async Task<ServerProcess> StartAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        Assert.True(File.Exists(ServerDll), "build src/MarketFeed.Server in Release first: " + ServerDll);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(ServerDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(ServerDll);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        Task pumps = Task.WhenAll(PumpAsync(process.StandardOutput, output, listening), PumpAsync(process.StandardError, output, null));
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first == listening.Task, "the server exited before listening:\n" + Text(output));
            return new ServerProcess(process, output, await listening.Task, pumps);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends SIGTERM (what `docker stop`, systemd and Kubernetes send).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for the process to exit; false if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            await _pumps.WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output, TaskCompletionSource<Uri>? listening)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }

            if (listening is not null && ListeningLine().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }
    }

    [GeneratedRegex(@"MarketFeed listening on (https?://\S+)")]
    private static partial Regex ListeningLine();
}
