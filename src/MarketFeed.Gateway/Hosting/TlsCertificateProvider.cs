using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MarketFeed.Gateway.Options;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Hosting;

/// <summary>
/// The server certificate of section "Tls" for every https endpoint: loaded on start (a bad file
/// fails the start), and again when the files' size or modification time change, checked every
/// <see cref="TlsOptions.ReloadCheckIntervalMs"/>. Each TLS handshake takes the current
/// certificate, so a rotation reaches new connections without rebinding the listener and without
/// touching open connections; files that fail to load (half-written, key not matching) leave the
/// previous certificate in use and are logged once.
/// </summary>
internal sealed class TlsCertificateProvider : IDisposable
{
    private readonly TlsOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private SslStreamCertificateContext _current;
    private (long, DateTime, long, DateTime) _loadedStamp;
    private (long, DateTime, long, DateTime) _failedStamp;
    private int _checking;

    public TlsCertificateProvider(IOptions<TlsOptions> options, ILoggerFactory loggers, TimeProvider time)
    {
        _options = options.Value;
        _logger = loggers.CreateLogger("MarketFeed.Tls");
        _time = time;
        _loadedStamp = Stamp();
        _current = Load();
        if (_options.ReloadCheckIntervalMs > 0)
        {
            var period = TimeSpan.FromMilliseconds(_options.ReloadCheckIntervalMs);
            _timer = time.CreateTimer(static s => ((TlsCertificateProvider)s!).CheckForChange(), this, period, period);
        }
    }

    /// <summary>
    /// With <c>Tls:CertificatePath</c> set: validates section "Tls" on start and makes every https
    /// endpoint use the provider (Kestrel resolves it when it starts, so a bad file fails the start).
    /// </summary>
    public static void AddTo(WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TlsOptions>().Bind(builder.Configuration.GetSection(TlsOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{TlsOptions.SectionName}:{nameof(TlsOptions.CertificatePath)}"]))
        {
            return;
        }

        builder.Services.AddSingleton<TlsCertificateProvider>();
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<TlsCertificateProvider>(static (kestrel, provider) => kestrel.ConfigureHttpsDefaults(provider.Apply));
    }

    /// <summary>The certificate (with its chain) new handshakes get.</summary>
    public SslStreamCertificateContext Current => Volatile.Read(ref _current);

    /// <summary>Makes every https endpoint without a certificate of its own use this provider.</summary>
    public void Apply(HttpsConnectionAdapterOptions https)
    {
        // Kestrel requires a certificate or a selector to build the endpoint; the selector is then
        // replaced per connection by the current context, which also carries the intermediates.
        https.ServerCertificateSelector = (_, _) => Current.TargetCertificate;
        https.OnAuthenticate = (_, ssl) =>
        {
            ssl.ServerCertificateSelectionCallback = null;
            ssl.ServerCertificate = null;
            ssl.ServerCertificateContext = Current;
        };
    }

    public void Dispose() => _timer?.Dispose();

    /// <summary>Reloads if the files changed since the last load (or the last failed attempt).</summary>
    internal void CheckForChange()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }

        try
        {
            var stamp = Stamp();
            if (stamp == _loadedStamp || stamp == _failedStamp)
            {
                return;
            }

            try
            {
                var context = Load();
                Volatile.Write(ref _current, context);
                _loadedStamp = stamp;
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                _failedStamp = stamp;
                TlsLog.ReloadFailed(_logger, _options.CertificatePath!, ex);
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    private (long, DateTime, long, DateTime) Stamp()
    {
        var cert = new FileInfo(_options.CertificatePath!);
        var key = string.IsNullOrEmpty(_options.KeyPath) ? null : new FileInfo(_options.KeyPath);
        return (cert.Exists ? cert.Length : -1, cert.Exists ? cert.LastWriteTimeUtc : default,
            key is { Exists: true } ? key.Length : -1, key is { Exists: true } ? key.LastWriteTimeUtc : default);
    }

    private SslStreamCertificateContext Load()
    {
        string path = _options.CertificatePath!;
        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        if (IsPem(path))
        {
            string keyPath = string.IsNullOrEmpty(_options.KeyPath) ? path : _options.KeyPath;
#pragma warning disable CA2000 // the certificate lives on in the returned context (for as long as the server serves it)
            leaf = string.IsNullOrEmpty(_options.Password)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, _options.Password, keyPath);
#pragma warning restore CA2000
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(path);
            foreach (var c in all)
            {
                if (c.Thumbprint != leaf.Thumbprint)
                {
                    chain.Add(c);
                }
            }
        }
        else
        {
            var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(path, _options.Password);
            leaf = all.FirstOrDefault(c => c.HasPrivateKey) ?? throw new InvalidOperationException($"{path} holds no certificate with a private key");
            foreach (var c in all)
            {
                if (!ReferenceEquals(c, leaf))
                {
                    chain.Add(c);
                }
            }
        }

        var context = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        TlsLog.Loaded(_logger, path, leaf.Subject, Convert.ToHexString(SHA256.HashData(leaf.RawData)), leaf.NotAfter.ToUniversalTime());
        if (leaf.NotAfter.ToUniversalTime() - _time.GetUtcNow().UtcDateTime < TimeSpan.FromDays(7))
        {
            TlsLog.ExpiresSoon(_logger, leaf.Subject, leaf.NotAfter.ToUniversalTime());
        }

        return context;
    }

    private static bool IsPem(string path)
    {
        using var file = File.OpenRead(path);
        var head = new byte[4096]; // PEM may start with text (openssl's "Bag Attributes") before the first BEGIN
        int n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.ASCII.GetString(head, 0, n).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
