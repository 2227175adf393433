using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>
/// A real <c>nats-server -js</c> on a free loopback port with a temporary store directory
/// (Debian's package; <c>bash scripts/test.sh</c> installs it when missing). Can be stopped and
/// started again on the same port and store, as an operator's restart would.
/// </summary>
public sealed class NatsServerProcess : IAsyncDisposable
{
    private readonly string _storeDir;
    private Process? _process;

    private NatsServerProcess(int port, string storeDir)
    {
        Port = port;
        _storeDir = storeDir;
    }

    /// <summary>The client port.</summary>
    public int Port { get; }

    /// <summary>nats://127.0.0.1:port</summary>
    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>Starts a server and waits until it accepts connections.</summary>
    public static async Task<NatsServerProcess> StartAsync()
    {
        string dir = Path.Combine(Path.GetTempPath(), "marketfeed-nats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var server = new NatsServerProcess(FreePort(), dir);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Finds the nats-server binary, or fails the test saying how to get it.</summary>
    public static string Binary()
    {
        foreach (string candidate in new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail("nats-server is not installed: `bash scripts/test.sh` installs it (apt-get install nats-server)");
        return "";
    }

    /// <summary>(Re)starts the server on the same port and store; returns when it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo(Binary()) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in new[] { "-js", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", _storeDir })
        {
            start.ArgumentList.Add(a);
        }

        _process = Process.Start(start)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _ = _process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        while (await _process.StandardError.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.Contains("Server is ready", StringComparison.Ordinal))
            {
                _ = _process.StandardError.ReadToEndAsync(CancellationToken.None);
                return;
            }
        }

        Assert.Fail("nats-server exited before it was ready");
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) the server: its connections stay open but nothing is answered meanwhile.</summary>
    public async Task SignalAsync(bool freeze)
    {
        using var kill = Process.Start("kill", [freeze ? "-STOP" : "-CONT", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the server (SIGKILL) and waits for it to exit.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_storeDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
