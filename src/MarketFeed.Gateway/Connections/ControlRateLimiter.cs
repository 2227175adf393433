namespace MarketFeed.Gateway.Connections;

/// <summary>Token bucket for one connection's control messages.</summary>
/// <remarks>Used by the connection's receive loop only (single thread).</remarks>
internal sealed class ControlRateLimiter(TimeProvider time, double perSecond, int burst)
{
    private double _tokens = burst;
    private long _last = time.GetTimestamp();

    /// <summary>Takes one token; false if the bucket is empty (the message must be rejected).</summary>
    public bool TryTake()
    {
        long now = time.GetTimestamp();
        _tokens = Math.Min(burst, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * perSecond));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
