namespace MarketFeed.Client;

/// <summary>How the last connection ended.</summary>
/// <param name="Cause">Why it ended.</param>
/// <param name="CloseCode">WebSocket close code sent by the server (e.g. 1001, 4001, 4002), or null if there was no close frame.</param>
/// <param name="CloseReason">Close reason text sent by the server, if any.</param>
/// <param name="Exception">The transport error, if any.</param>
/// <param name="Time">When the client noticed, from <see cref="MarketFeedClientOptions.TimeProvider"/>.</param>
public sealed record DisconnectInfo(DisconnectCause Cause, int? CloseCode, string? CloseReason, Exception? Exception, DateTimeOffset Time)
{
    /// <inheritdoc />
    public override string ToString() => Cause switch
    {
        DisconnectCause.ServerClosed => $"server closed the connection with {CloseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no code"}{(string.IsNullOrEmpty(CloseReason) ? string.Empty : " (" + CloseReason + ")")}",
        DisconnectCause.HeartbeatTimeout => "heartbeat timeout: nothing received from the server",
        DisconnectCause.ClientClosed => "closed by the client",
        _ => "connection lost" + (Exception is null ? string.Empty : ": " + Exception.Message),
    };
}
