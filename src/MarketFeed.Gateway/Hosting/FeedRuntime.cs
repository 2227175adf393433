using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Options;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.Gateway.Hosting;

/// <summary>The live feed of this server: universe, engine and the shared encode-once cache.</summary>
public sealed class FeedRuntime : IDisposable
{
    /// <summary>Creates the runtime from options.</summary>
    public FeedRuntime(SymbolUniverse universe, FeedOptions options, TimeProvider time)
        : this(universe, options, time, null)
    {
    }

    /// <summary>Creates the runtime from options, continuing <paramref name="restore"/> (null = a new epoch).</summary>
    /// <param name="universe">Live symbols.</param>
    /// <param name="options">Feed options.</param>
    /// <param name="time">Clock.</param>
    /// <param name="restore">Sequence state to continue (a clean restart with recording), or null.</param>
    /// <param name="epoch">Without <paramref name="restore"/>: the engine's epoch; 0 = a new one (a scale-out gateway passes its ingest's).</param>
    public FeedRuntime(SymbolUniverse universe, FeedOptions options, TimeProvider time, SequenceState? restore, long epoch = 0)
    {
        Universe = universe;
        Options = options;
        Time = time;
        var settings = new EngineSettings(options.MaxSymbolsPerConnection, options.JournalCapacity);
        Engine = restore is not null ? new ConflationEngine(universe, settings, time, restore) : new ConflationEngine(universe, settings, time, epoch);
        Cache = new EncodedMessageCache(universe.Count);
        FlushClock = options.WriteDelayMs > 0 ? new FlushClock(TimeSpan.FromMilliseconds(options.WriteDelayMs), time) : null;
        Heartbeats = new Connections.HeartbeatWheel(TimeSpan.FromMilliseconds(options.HeartbeatIntervalMs), time);
        Wakes = new Connections.WakeWheel(time);
        StartedAt = time.GetUtcNow();
    }

    /// <summary>Wakes live senders together every Feed:WriteDelayMs (null when the delay is 0).</summary>
    public FlushClock? FlushClock { get; }

    /// <summary>Every live connection's heartbeat, from one timer.</summary>
    internal Connections.HeartbeatWheel Heartbeats { get; }

    /// <summary>Wakes throttled senders when their next update is due, from one timer.</summary>
    internal Connections.WakeWheel Wakes { get; }

    /// <summary>Stops the flush clock and the wheels (the host disposes the runtime with its services).</summary>
    public void Dispose()
    {
        FlushClock?.Dispose();
        Heartbeats.Dispose();
        Wakes.Dispose();
    }

    /// <summary>Live symbols.</summary>
    public SymbolUniverse Universe { get; }

    /// <summary>The live conflation engine.</summary>
    public ConflationEngine Engine { get; }

    /// <summary>Encode-once cache for live messages.</summary>
    public EncodedMessageCache Cache { get; }

    /// <summary>Options in force.</summary>
    public FeedOptions Options { get; }

    /// <summary>Clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>When the server started.</summary>
    public DateTimeOffset StartedAt { get; }
}
