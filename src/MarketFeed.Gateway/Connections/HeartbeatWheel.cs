namespace MarketFeed.Gateway.Connections;

/// <summary>
/// Every live connection's heartbeat from one timer. The connections are spread over up to 16
/// buckets; the timer ticks every <c>HeartbeatIntervalMs / buckets</c> and marks the connections of
/// the next bucket due, so each connection gets a heartbeat once per interval and the heartbeats of
/// one interval are spread over it.
/// </summary>
/// <remarks>
/// <para>
/// Why not a timer per connection: .NET's timer queue walks its list of soon-due timers on every
/// firing, so N periodic timers cost O(N) per firing and, with firings spread over the interval,
/// O(N^2) per second: a profile of 5,000 idle connections showed <c>TimerQueue.FireNextTimers</c>
/// as the largest single item of the server's CPU (docs/benchmarks.md, "100,000 connections").
/// Here a tick costs one lock and a walk over its bucket's connections.
/// </para>
/// <para>
/// Thread-safe: <see cref="Add"/> and <see cref="Remove"/> from any thread, under the bucket's lock;
/// a tick holds the lock of the one bucket it walks and only sets a flag and a signal per connection.
/// </para>
/// </remarks>
internal sealed class HeartbeatWheel : IDisposable
{
    private const int MaxBuckets = 16;
    private static readonly TimeSpan MinTick = TimeSpan.FromMilliseconds(10);

    private readonly Bucket[] _buckets;
    private readonly ITimer _timer;
    private int _nextTick;
    private int _nextAdd;

    /// <summary>Starts the wheel: every connection added is due once per <paramref name="interval"/>.</summary>
    public HeartbeatWheel(TimeSpan interval, TimeProvider time)
    {
        int buckets = (int)Math.Clamp(interval.Ticks / MinTick.Ticks, 1, MaxBuckets);
        _buckets = new Bucket[buckets];
        for (int i = 0; i < buckets; i++)
        {
            _buckets[i] = new Bucket();
        }

        TimeSpan tick = interval / buckets;
        TickPeriod = tick;
        _timer = time.CreateTimer(static s => ((HeartbeatWheel)s!).Tick(), this, tick, tick);
    }

    /// <summary>How often the wheel ticks (the interval divided by the number of buckets).</summary>
    public TimeSpan TickPeriod { get; }

    /// <summary>Buckets the connections are spread over.</summary>
    public int BucketCount => _buckets.Length;

    /// <summary>Connections on the wheel.</summary>
    public int Count
    {
        get
        {
            int n = 0;
            foreach (Bucket b in _buckets)
            {
                lock (b)
                {
                    n += b.Count;
                }
            }

            return n;
        }
    }

    /// <summary>Puts a connection on the wheel (round-robin over the buckets). Once per connection.</summary>
    public void Add(IHeartbeatTarget connection)
    {
        int index = (int)((uint)Interlocked.Increment(ref _nextAdd) % (uint)_buckets.Length);
        Bucket bucket = _buckets[index];
        lock (bucket)
        {
            if (bucket.Count == bucket.Items.Length)
            {
                Array.Resize(ref bucket.Items, Math.Max(16, bucket.Items.Length * 2));
            }

            connection.HeartbeatBucket = index;
            connection.HeartbeatIndex = bucket.Count;
            bucket.Items[bucket.Count++] = connection;
        }
    }

    /// <summary>Takes a connection off the wheel (no-op if it is not on it).</summary>
    public void Remove(IHeartbeatTarget connection)
    {
        int index = connection.HeartbeatBucket;
        if (index < 0)
        {
            return;
        }

        Bucket bucket = _buckets[index];
        lock (bucket)
        {
            int at = connection.HeartbeatIndex;
            if (at < 0 || at >= bucket.Count || !ReferenceEquals(bucket.Items[at], connection))
            {
                return;
            }

            // Swap the last one into the hole.
            IHeartbeatTarget last = bucket.Items[--bucket.Count];
            bucket.Items[at] = last;
            last.HeartbeatIndex = at;
            bucket.Items[bucket.Count] = null!;
            connection.HeartbeatBucket = -1;
            connection.HeartbeatIndex = -1;
        }
    }

    /// <summary>Stops the timer.</summary>
    public void Dispose() => _timer.Dispose();

    private void Tick()
    {
        int index = (int)((uint)(Interlocked.Increment(ref _nextTick) - 1) % (uint)_buckets.Length);
        Bucket bucket = _buckets[index];
        lock (bucket)
        {
            IHeartbeatTarget[] items = bucket.Items;
            for (int i = 0; i < bucket.Count; i++)
            {
                items[i].OnHeartbeatDue();
            }
        }
    }

    private sealed class Bucket
    {
        public IHeartbeatTarget[] Items = [];
        public int Count;
    }
}

/// <summary>What the <see cref="HeartbeatWheel"/> holds: a connection (or a test's stand-in).</summary>
internal interface IHeartbeatTarget
{
    /// <summary>The wheel's bucket this target is in (-1: not on the wheel). The wheel's bookkeeping.</summary>
    int HeartbeatBucket { get; set; }

    /// <summary>Index in that bucket. The wheel's bookkeeping.</summary>
    int HeartbeatIndex { get; set; }

    /// <summary>Called once per heartbeat interval, on the wheel's timer thread: must only flag and signal.</summary>
    void OnHeartbeatDue();
}
