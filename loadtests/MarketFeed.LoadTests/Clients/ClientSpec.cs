namespace MarketFeed.LoadTests.Clients;

/// <summary>What one virtual client subscribes to and how it reads.</summary>
public sealed record ClientSpec
{
    /// <summary>Symbols to subscribe.</summary>
    public required IReadOnlyList<string> Symbols { get; init; }

    /// <summary>True for full mode (every tick, gap-checked), false for conflated.</summary>
    public bool FullMode { get; init; }

    /// <summary>Conflated: the throttle asked for, updates per second per symbol (0 = unthrottled).</summary>
    public int Throttle { get; init; }

    /// <summary>Reading behaviour.</summary>
    public ClientRole Role { get; init; } = ClientRole.Fast;

    /// <summary>Slow readers: read for this long, then pause.</summary>
    public TimeSpan SlowReadFor { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Slow readers: pause length.</summary>
    public TimeSpan SlowPause { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Stallers: stop reading at this offset from the run start.</summary>
    public TimeSpan StallAt { get; init; }

    /// <summary>Stallers: how long to stop reading before looking for the server's close.</summary>
    public TimeSpan StallFor { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Receive buffer per connection in bytes (small for idle storms).</summary>
    public int ReceiveBufferBytes { get; init; } = 64 * 1024;

    /// <summary>Close after the subscribe ack (iteration workers).</summary>
    public bool CloseAfterAck { get; init; }

    /// <summary>
    /// Mass reconnect: run time at which the client aborts its connection (TCP reset, no close
    /// handshake), or null to stay connected. It reconnects at <c>DropAt + DownFor</c> and subscribes
    /// again with the server's epoch and its last sequence per symbol (protocol section 7.1).
    /// </summary>
    public TimeSpan? DropAt { get; init; }

    /// <summary>Mass reconnect: how long the client stays away before it resumes.</summary>
    public TimeSpan DownFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Replay clients: the replays to run instead of subscribing (role <see cref="ClientRole.Replayer"/>).</summary>
    public ReplaySpec? Replay { get; init; }
}
