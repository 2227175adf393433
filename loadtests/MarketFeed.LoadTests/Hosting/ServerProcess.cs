using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MarketFeed.LoadTests.Hosting;

/// <summary>
/// A server started as a child process (<c>dotnet Server.dll --urls http://127.0.0.1:0 ...</c>);
/// the URL is taken from the line it prints on start (<c>... listening on http://127.0.0.1:PORT</c>).
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri baseUri)
    {
        _process = process;
        BaseUri = baseUri;
    }

    /// <summary>The server's http base address.</summary>
    public Uri BaseUri { get; }

    /// <summary>Child process id (for /proc sampling).</summary>
    public int Pid => _process.Id;

    /// <summary>Starts the server and waits (bounded) for its listening line.</summary>
    /// <remarks>With <paramref name="cpus"/> (taskset syntax, e.g. "0" or "0,1") the server runs under
    /// <c>taskset -c</c>, so its threads stay off the load generator's cores.</remarks>
    public static async Task<ServerProcess> StartAsync(string dllPath, IEnumerable<string> args, TimeSpan timeout, string? cpus, CancellationToken cancellationToken)
    {
        if (!File.Exists(dllPath))
        {
            throw new FileNotFoundException($"server assembly not found: {dllPath} (build it, or pass --server-dll / --signalr-dll)", dllPath);
        }

        var psi = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dllPath)!,
        };
        if (cpus is not null)
        {
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(cpus);
            psi.ArgumentList.Add("dotnet");
        }

        psi.ArgumentList.Add(dllPath);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var urlFound = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new List<string>();
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            var exited = process.WaitForExitAsync(cts.Token);
            var first = await Task.WhenAny(urlFound.Task, exited).ConfigureAwait(false);
            if (first != urlFound.Task)
            {
                throw new InvalidOperationException($"server exited before listening:\n{string.Join('\n', Snapshot(lines))}");
            }

            var server = new ServerProcess(process, await urlFound.Task.ConfigureAwait(false));
            lock (lines)
            {
                server._output.AddRange(lines);
            }

            return server;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"server did not print its URL within {timeout.TotalSeconds}s:\n{string.Join('\n', Snapshot(lines))}");
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                if (lines.Count < 200)
                {
                    lines.Add(line);
                }
            }

            var m = ListeningLine().Match(line);
            if (m.Success)
            {
                urlFound.TrySetResult(new Uri(m.Groups[1].Value));
            }
        }
    }

    /// <summary>First lines the server printed (for diagnostics).</summary>
    public IReadOnlyList<string> Output => _output;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _process.Dispose();
    }

    private static List<string> Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }

    [GeneratedRegex(@"listening on (http://[^\s/]+)")]
    private static partial Regex ListeningLine();
}
