using System.Collections.Concurrent;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Gateway.Hosting;

namespace MarketFeed.Gateway.Connections;

/// <summary>
/// All open connections: counts them, runs the slow-consumer watchdog, and closes them all with
/// 1001 on shutdown.
/// </summary>
/// <remarks>
/// Thread-safe. The watchdog runs on a timer every quarter of the slow-consumer timeout; a round
/// that is still running when the next is due makes that one a no-op, so rounds never overlap
/// (<see cref="SendStallWatch"/> relies on it).
/// </remarks>
internal sealed class ConnectionRegistry : IDisposable
{
    private readonly ConcurrentDictionary<Connection, byte> _connections = new();
    private readonly FeedRuntime _runtime;
    private readonly ILogger<ConnectionRegistry> _logger;
    private readonly ITimer _watchdog;
    private int _shuttingDown;
    private int _checking;

    public ConnectionRegistry(FeedRuntime runtime, ILogger<ConnectionRegistry> logger)
    {
        _runtime = runtime;
        _logger = logger;
        var period = SendStallWatch.PeriodFor(TimeSpan.FromMilliseconds(runtime.Options.SlowConsumerTimeoutMs));
        _watchdog = runtime.Time.CreateTimer(static s => ((ConnectionRegistry)s!).CheckStalled(), this, period, period);
    }

    /// <summary>Open connections.</summary>
    public int Count => _connections.Count;

    /// <summary>True once shutdown began; new connections are refused.</summary>
    public bool IsShuttingDown => Volatile.Read(ref _shuttingDown) != 0;

    /// <summary>Deepest full-mode queue over all connections.</summary>
    public long MaxQueueDepth()
    {
        long max = 0;
        foreach (var c in _connections.Keys)
        {
            max = Math.Max(max, c.QueueDepth);
        }

        return max;
    }

    public void Add(Connection connection) => _connections.TryAdd(connection, 0);

    public void Remove(Connection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Asks every connection to close with 1001 (server going away).</summary>
    public void CloseAll()
    {
        Volatile.Write(ref _shuttingDown, 1);
        ServerLog.ShuttingDown(_logger, _connections.Count);
        foreach (var c in _connections.Keys)
        {
            c.RequestClose(CloseCodes.GoingAway, "server shutting down");
        }
    }

    public void Dispose() => _watchdog.Dispose();

    private void CheckStalled()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }

        try
        {
            long now = _runtime.Time.GetTimestamp();
            foreach (var c in _connections.Keys)
            {
                c.CheckStalled(now);
            }
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }
}
