namespace MarketFeed.IntegrationTests;

/// <summary>One control frame of the fuzz test: bytes and frame type (binary = MessagePack, text = JSON).</summary>
public sealed record FuzzMessage(byte[] Payload, bool Binary)
{
    /// <summary>Hex dump for reproducing a failure.</summary>
    public override string ToString() => (Binary ? "binary " : "text ") + Convert.ToHexString(Payload);
}
