using MarketFeed.Core;
using MarketFeed.Engine;
using MarketFeed.Gateway.Options;
using MarketFeed.Gateway.Sending;

namespace MarketFeed.Gateway.Hosting;

/// <summary>The live feed of this server: universe, engine and the shared encode-once cache.</summary>
public sealed class FeedRuntime
{
    /// <summary>Creates the runtime from options.</summary>
    public FeedRuntime(SymbolUniverse universe, FeedOptions options, TimeProvider time)
        : this(universe, options, time, null)
    {
    }

    /// <summary>Creates the runtime from options, continuing <paramref name="restore"/> (null = a new epoch).</summary>
    public FeedRuntime(SymbolUniverse universe, FeedOptions options, TimeProvider time, SequenceState? restore)
    {
        Universe = universe;
        Options = options;
        Time = time;
        Engine = new ConflationEngine(universe, new EngineSettings(options.MaxSymbolsPerConnection, options.JournalCapacity), time, restore);
        Cache = new EncodedMessageCache(universe.Count);
        StartedAt = time.GetUtcNow();
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
