using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.UnitTests.Client;

/// <summary>
/// Raw handler that writes, per frame, the thread and that thread's allocated-bytes counter into preallocated arrays
/// (it allocates nothing itself), so a test can see what the client allocates between two frames.
/// </summary>
internal sealed class AllocationProbeHandler(int capacity) : IRawFeedHandler
{
    private readonly int[] _threads = new int[capacity];
    private readonly long[] _allocated = new long[capacity];
    private int _frames;
    private long _ticks;

    private TaskCompletionSource? _allSeen;
    private int _expected = int.MaxValue;

    /// <summary>Called (on the receive loop) at frame <see cref="PauseAtFrame"/>.</summary>
    public Action? OnPauseFrame { get; set; }

    public int PauseAtFrame { get; set; } = -1;

    public int Frames => Volatile.Read(ref _frames);

    /// <summary>Completes when <paramref name="total"/> frames have been seen (counting from the first).</summary>
    public Task ExpectFrames(int total)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _allSeen, seen);
        Volatile.Write(ref _expected, total);
        return seen.Task;
    }

    public long Ticks => Interlocked.Read(ref _ticks);

    public int Thread(int frame) => _threads[frame];

    public long Allocated(int frame) => _allocated[frame];

    public void OnOpened()
    {
    }

    public void OnFrame(ReadOnlyMemory<byte> frame, long receiveTimestamp)
    {
        int n = _frames;
        if (n < _threads.Length)
        {
            _threads[n] = Environment.CurrentManagedThreadId;
            _allocated[n] = GC.GetAllocatedBytesForCurrentThread();
        }

        Volatile.Write(ref _frames, n + 1);
        if (n == PauseAtFrame)
        {
            OnPauseFrame?.Invoke();
        }

        if (n + 1 == Volatile.Read(ref _expected))
        {
            Volatile.Read(ref _allSeen)?.TrySetResult();
        }
    }

    public void OnTick(in Tick tick, long receiveTimestamp) => _ticks++;

    public void OnMessage(ServerMessage message, long receiveTimestamp)
    {
    }
}
