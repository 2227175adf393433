using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// HTTPS/WSS from configured certificates (issue 13 part 8): Kestrel's own certificate
/// configuration (PEM and PFX), the .NET client pinning a self-signed certificate, node and the
/// dashboard in Chromium trusting it, and a certificate rotated on disk while the server runs.
/// </summary>
public sealed class TlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Wss_FromPemFiles_DotNetNodeAndChromiumClientsConnect_UntrustedOnesAreRefused()
    {
        string nodeDir = Path.Combine(TestPaths.RepoRoot, "tests", "node");
        string dashboardDir = Path.Combine(TestPaths.RepoRoot, "src", "MarketFeed.Dashboard");
        Assert.True(Directory.Exists(Path.Combine(nodeDir, "node_modules", "ws")), "run 'npm ci' in tests/node (scripts/test.sh does this)");
        Assert.True(Directory.Exists(Path.Combine(dashboardDir, "node_modules", "playwright-core")), "run 'npm ci' in src/MarketFeed.Dashboard (scripts/test.sh does this)");
        Assert.True(File.Exists("/usr/bin/chromium"), "apt-get install chromium (scripts/test.sh does this)");
        using var dir = new TempDirectory();
        using var cert = SelfSignedCertificate.Create();
        cert.WritePem(dir.File("cert.pem"), dir.File("key.pem"));

        // The real server process, as deployed: an https URL and the Tls section's PEM files.
        await using var server = await ServerProcess.StartAsync(
        [
            "--urls", "https://127.0.0.1:0", "--rate", "20000",
            "--Tls:CertificatePath=" + dir.File("cert.pem"),
            "--Tls:KeyPath=" + dir.File("key.pem"),
        ]);
        Assert.Equal("wss", server.WebSocketUri.Scheme);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));

        // .NET client: refused without trust, refused with another pin, streams with the pin.
        await AssertRefusedAsync(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false }, cts.Token);
        await AssertRefusedAsync(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false, PinnedServerCertificateSha256 = new string('A', 64) }, cts.Token);
        await AssertStreamsAsync(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false, PinnedServerCertificateSha256 = cert.Sha256 }, cts.Token);

        // node's raw protocol client (ws over Node's TLS) trusting the certificate as a CA.
        var (nodeExit, nodeOut) = await RunAsync("node", ["--test", "--test-reporter=spec", "protocol-client.test.mjs"], nodeDir,
            new() { ["MARKETFEED_URL"] = server.WebSocketUri.ToString(), ["NODE_EXTRA_CA_CERTS"] = dir.File("cert.pem") }, cts.Token);
        Assert.True(nodeExit == 0, nodeOut);
        Assert.Contains("pass 4", nodeOut, StringComparison.Ordinal);

        // The dashboard's JS client in Chromium: fails untrusted, goes live over wss trusting the key.
        var (browserExit, browserOut) = await RunAsync("node", ["test/browser/wss-live.mjs"], dashboardDir,
            new() { ["MARKETFEED_URL"] = server.BaseUri.ToString().TrimEnd('/'), ["MARKETFEED_SPKI"] = cert.SpkiSha256Base64 }, cts.Token);
        Assert.True(browserExit == 0, browserOut + "\nserver:\n" + server.Output);
        Assert.Contains("wss-live: ok", browserOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wss_FromPasswordProtectedPfx_OrKestrelsOwnCertificateKeys_PinnedClientStreams_WrongPasswordFailsTheStart()
    {
        using var dir = new TempDirectory();
        using var cert = SelfSignedCertificate.Create();
        cert.WritePfx(dir.File("server.pfx"), "s3cret");
        cert.WritePem(dir.File("cert.pem"), dir.File("key.pem"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        await using (var server = await FeedServer.StartAsync(
            "--urls", "https://127.0.0.1:0", "--Tls:CertificatePath=" + dir.File("server.pfx"), "--Tls:Password=s3cret"))
        {
            Assert.Equal("wss", server.WebSocketUri.Scheme);
            await AssertStreamsAsync(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false, PinnedServerCertificateSha256 = cert.Sha256 }, cts.Token);
        }

        // Kestrel's own keys work too (without reload that spares open connections: docs/operations.md).
        await using (var server = await FeedServer.StartAsync(
            "--urls", "https://127.0.0.1:0",
            "--Kestrel:Certificates:Default:Path=" + dir.File("cert.pem"), "--Kestrel:Certificates:Default:KeyPath=" + dir.File("key.pem")))
        {
            await AssertStreamsAsync(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false, PinnedServerCertificateSha256 = cert.Sha256 }, cts.Token);
        }

        var wrong = await Assert.ThrowsAnyAsync<CryptographicException>(() => FeedServer.StartAsync(
            "--urls", "https://127.0.0.1:0", "--Tls:CertificatePath=" + dir.File("server.pfx"), "--Tls:Password=wrong"));
        output.WriteLine(wrong.Message);
    }

    [Fact]
    public async Task CertificateRotatedOnDisk_NewHandshakesGetTheNewOne_OpenConnectionsStay_ListenerNeverRefuses_BrokenFilesKeepTheOld()
    {
        using var dir = new TempDirectory();
        using var first = SelfSignedCertificate.Create("first");
        using var second = SelfSignedCertificate.Create("second");
        first.WritePem(dir.File("cert.pem"), dir.File("key.pem"));
        using var logs = new CapturingLoggerProvider();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await FeedServer.StartWithAsync(
            b => b.Logging.AddProvider(logs),
            "--urls", "https://127.0.0.1:0", "--Tls:CertificatePath=" + dir.File("cert.pem"), "--Tls:KeyPath=" + dir.File("key.pem"),
            "--Tls:ReloadCheckIntervalMs=100");
        int port = server.BaseUri.Port;
        Assert.Equal(first.Sha256, await ServedCertificateAsync(port, cts.Token));
        await using var before = new MarketFeedClient(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false, PinnedServerCertificateSha256 = first.Sha256 });
        await before.ConnectAsync(cts.Token);

        // A half-written certificate: logged, the old one stays.
        await File.WriteAllTextAsync(dir.File("cert.pem"), "-----BEGIN CERTIFICATE-----\nMIIB", cts.Token);
        string failed = await logs.WhenLoggedAsync(131).WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine(failed);
        Assert.Equal(first.Sha256, await ServedCertificateAsync(port, cts.Token));

        second.WritePem(dir.File("cert.pem"), dir.File("key.pem"));
        var watch = Stopwatch.StartNew();
        string? served = first.Sha256;
        int refused = 0;
        for (int i = 0; i < 200 && served != second.Sha256; i++)
        {
            await Task.Delay(50, cts.Token); // polling what a new handshake is served, bounded (10 s)
            served = await ServedCertificateAsync(port, cts.Token);
            refused += served is null ? 1 : 0;
        }

        Assert.Equal(second.Sha256, served);
        Assert.Equal(0, refused);
        output.WriteLine($"new certificate served after {watch.ElapsedMilliseconds} ms");
        await AssertStreamsAsync(new MarketFeedClientOptions { Uri = server.WebSocketUri, AutoReconnect = false, PinnedServerCertificateSha256 = second.Sha256 }, cts.Token);

        // The connection opened before the rotation is untouched.
        await before.PingAsync(cts.Token);
        Assert.Equal(ConnectionState.Connected, before.State);
    }

    private static async Task AssertStreamsAsync(MarketFeedClientOptions options, CancellationToken ct)
    {
        await using var client = new MarketFeedClient(options);
        await client.ConnectAsync(ct);
        await client.SubscribeAsync(["AAPL"], DeliveryMode.Full, cancellationToken: ct);
        int quotes = 0;
        await foreach (var m in client.ReadAllAsync(ct))
        {
            if (m is QuoteMessage or TradeMessage && ++quotes >= 10)
            {
                break;
            }
        }
    }

    private static async Task AssertRefusedAsync(MarketFeedClientOptions options, CancellationToken ct)
    {
        await using var client = new MarketFeedClient(options);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(ct));
        Assert.Contains("SSL", ex.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The SHA-256 of the certificate a fresh TLS handshake on the port is served.</summary>
    private static async Task<string?> ServedCertificateAsync(int port, CancellationToken ct)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port, ct);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return null; // between unbinding the endpoint and binding it again
        }

        await using var tls = new SslStream(tcp.GetStream(), false, static (_, certificate, _, _) => certificate is not null); // self-signed: only read what is served
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, ct);
        return Convert.ToHexString(SHA256.HashData(tls.RemoteCertificate!.GetRawCertData()));
    }

    private async Task<(int Exit, string Output)> RunAsync(string file, string[] args, string workingDirectory, Dictionary<string, string> environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment)
        {
            start.Environment[k] = v;
        }

        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        try
        {
            await process.WaitForExitAsync(ct);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        string text = await stdout + await stderr;
        output.WriteLine($"{file} {string.Join(' ', args)}:\n{text}");
        return (process.ExitCode, text);
    }
}
