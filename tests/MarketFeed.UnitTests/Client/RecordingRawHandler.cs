using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.UnitTests.Client;

/// <summary>An <see cref="IRawFeedHandler"/> that writes down every call ("opened", "frame", "tick 7", "message SnapshotMessage").</summary>
internal sealed class RecordingRawHandler : IRawFeedHandler
{
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private readonly List<long> _frameTimes = [];

    /// <summary>Completed with the sequence of the first tick whose sequence is at least <see cref="AwaitSequence"/>.</summary>
    public TaskCompletionSource<long> TickSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long AwaitSequence { get; set; } = long.MaxValue;

    /// <summary>Called in <see cref="OnFrame"/> (on the receive loop) before it returns.</summary>
    public Action<ReadOnlyMemory<byte>>? OnFrameHook { get; set; }

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public IReadOnlyList<long> FrameTimes
    {
        get
        {
            lock (_lock)
            {
                return [.. _frameTimes];
            }
        }
    }

    public void OnOpened() => Add("opened");

    public void OnFrame(ReadOnlyMemory<byte> frame, long receiveTimestamp)
    {
        lock (_lock)
        {
            _events.Add("frame");
            _frameTimes.Add(receiveTimestamp);
        }

        OnFrameHook?.Invoke(frame);
    }

    public void OnTick(in Tick tick, long receiveTimestamp)
    {
        Add($"tick {tick.Sequence}");
        if (tick.Sequence >= AwaitSequence)
        {
            TickSeen.TrySetResult(tick.Sequence);
        }
    }

    public void OnMessage(ServerMessage message, long receiveTimestamp) => Add("message " + message.GetType().Name);

    private void Add(string e)
    {
        lock (_lock)
        {
            _events.Add(e);
        }
    }
}
