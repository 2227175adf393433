using System.Collections.Concurrent;
using MarketFeed.Gateway.Auth;
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
    private int _reserved;
    private readonly Dictionary<string, int> _perIdentity = new(StringComparer.Ordinal);
    private readonly Dictionary<System.Net.IPAddress, int> _perAddress = [];
    private int _checking;
    private ITimer? _shutdownAbort;

    public ConnectionRegistry(FeedRuntime runtime, ILogger<ConnectionRegistry> logger)
    {
        _runtime = runtime;
        _logger = logger;
        var period = SendStallWatch.PeriodFor(TimeSpan.FromMilliseconds(runtime.Options.SlowConsumerTimeoutMs));
        _watchdog = runtime.Time.CreateTimer(static s => ((ConnectionRegistry)s!).CheckStalled(), this, period, period);
    }

    /// <summary>Open connections.</summary>
    public int Count => _connections.Count;

    /// <summary>Places taken by <see cref="TryReserve"/> (upgrades in progress and open connections).</summary>
    public int Reserved => Volatile.Read(ref _reserved);

    /// <summary>The open connections (a snapshot, for tests and diagnostics).</summary>
    public IReadOnlyList<Connection> Connections => [.. _connections.Keys];

    /// <summary>True once shutdown began; new connections are refused.</summary>
    public bool IsShuttingDown => Volatile.Read(ref _shuttingDown) != 0;

    /// <summary>Largest full-mode journal lag over all connections.</summary>
    public long MaxQueueDepth()
    {
        long max = 0;
        foreach (var c in _connections.Keys)
        {
            max = Math.Max(max, c.QueueDepth);
        }

        return max;
    }

    /// <summary>Open connections and live subscriptions per identity class (for <c>marketfeed.auth.*</c>).</summary>
    public IdentityCounts CountByIdentity()
    {
        var counts = new IdentityCounts();
        foreach (var c in _connections.Keys)
        {
            counts.Add(c.Identity.Kind, c.SubscriptionCount);
        }

        return counts;
    }

    /// <summary>
    /// Takes one of <c>MaxConnections</c> places before the upgrade is accepted; false if none is
    /// left (or shutting down). Counted atomically, so a storm of upgrades never overshoots.
    /// Every true must be paired with <see cref="Release"/>.
    /// </summary>
    public bool TryReserve()
    {
        if (IsShuttingDown)
        {
            return false;
        }

        if (Interlocked.Increment(ref _reserved) > _runtime.Options.MaxConnections)
        {
            Interlocked.Decrement(ref _reserved);
            return false;
        }

        return true;
    }

    /// <summary>Takes one of the identity's connection places (its entitlement's MaxConnections; 0 = no limit).</summary>
    public bool TryReserveFor(ClientIdentity identity)
    {
        int max = identity.Entitlements.MaxConnections;
        if (max <= 0 || identity.IsAnonymous)
        {
            return true;
        }

        lock (_perIdentity)
        {
            _perIdentity.TryGetValue(identity.Name, out int count);
            if (count >= max)
            {
                return false;
            }

            _perIdentity[identity.Name] = count + 1;
            return true;
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryReserveFor(ClientIdentity)"/>.</summary>
    public void ReleaseFor(ClientIdentity identity)
    {
        if (identity.Entitlements.MaxConnections <= 0 || identity.IsAnonymous)
        {
            return;
        }

        lock (_perIdentity)
        {
            int count = _perIdentity[identity.Name] - 1;
            if (count == 0)
            {
                _perIdentity.Remove(identity.Name);
            }
            else
            {
                _perIdentity[identity.Name] = count;
            }
        }
    }

    /// <summary>
    /// Takes one of the address's <c>MaxConnectionsPerIp</c> places (0 = no limit); exact under a
    /// storm (counted under a lock). Every true must be paired with <see cref="ReleaseFor(System.Net.IPAddress?)"/>.
    /// </summary>
    public bool TryReserveFor(System.Net.IPAddress? address)
    {
        int max = _runtime.Options.MaxConnectionsPerIp;
        if (max <= 0 || address is null)
        {
            return true;
        }

        address = Normalize(address);
        lock (_perAddress)
        {
            _perAddress.TryGetValue(address, out int count);
            if (count >= max)
            {
                return false;
            }

            _perAddress[address] = count + 1;
            return true;
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryReserveFor(System.Net.IPAddress?)"/>.</summary>
    public void ReleaseFor(System.Net.IPAddress? address)
    {
        if (_runtime.Options.MaxConnectionsPerIp <= 0 || address is null)
        {
            return;
        }

        address = Normalize(address);
        lock (_perAddress)
        {
            int count = _perAddress[address] - 1;
            if (count == 0)
            {
                _perAddress.Remove(address);
            }
            else
            {
                _perAddress[address] = count;
            }
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryReserve"/>.</summary>
    public void Release() => Interlocked.Decrement(ref _reserved);

    private static System.Net.IPAddress Normalize(System.Net.IPAddress address) =>
        address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public void Add(Connection connection) => _connections.TryAdd(connection, 0);

    public void Remove(Connection connection) => _connections.TryRemove(connection, out _);

    /// <summary>
    /// Asks every connection to close with 1001 (server going away) and refuses new ones; those
    /// still open after <c>CloseTimeoutMs</c> (a client that does not read cannot even get the
    /// close frame) are aborted, so the shutdown never waits for a peer until its deadline.
    /// </summary>
    public void CloseAll()
    {
        Volatile.Write(ref _shuttingDown, 1);
        ServerLog.ShuttingDown(_logger, _connections.Count);
        foreach (var c in _connections.Keys)
        {
            c.RequestClose(CloseCodes.GoingAway, "server shutting down");
        }

        _shutdownAbort = _runtime.Time.CreateTimer(static s => ((ConnectionRegistry)s!).AbortAll(), this, TimeSpan.FromMilliseconds(_runtime.Options.CloseTimeoutMs), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cuts every connection without a close handshake, as a network failure would (tests, failover drills).</summary>
    public void AbortAll()
    {
        foreach (var c in _connections.Keys)
        {
            c.Abort();
        }
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        _shutdownAbort?.Dispose();
    }

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
