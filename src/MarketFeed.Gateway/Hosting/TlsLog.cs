namespace MarketFeed.Gateway.Hosting;

/// <summary>Log messages of the TLS certificate provider.</summary>
internal static partial class TlsLog
{
    [LoggerMessage(130, LogLevel.Information, "TLS certificate loaded from {Path}: {Subject}, SHA-256 {Sha256}, valid until {NotAfter:u}")]
    public static partial void Loaded(ILogger logger, string path, string subject, string sha256, DateTime notAfter);

    [LoggerMessage(131, LogLevel.Warning, "TLS certificate files changed but could not be loaded (the previous certificate stays in use; retried when they change again): {Path}")]
    public static partial void ReloadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(132, LogLevel.Warning, "TLS certificate {Subject} expires at {NotAfter:u}, in less than 7 days")]
    public static partial void ExpiresSoon(ILogger logger, string subject, DateTime notAfter);
}
