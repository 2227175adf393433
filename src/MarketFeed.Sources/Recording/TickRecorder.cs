using System.Globalization;
using System.Runtime.ExceptionServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;
using MarketFeed.Sources.TickLog;

namespace MarketFeed.Sources.Recording;

/// <summary>
/// Records the sequenced live feed into tick logs: <see cref="OnTick"/> copies each tick into a
/// bounded single-producer ring; a background thread writes blocks, rotates files by UTC trading
/// day (tick timestamp) or size, and flushes to disk every <see cref="TickRecorderOptions.FlushInterval"/>
/// (timer from the injected <see cref="TimeProvider"/>) and on <see cref="Dispose"/>.
/// A crash loses at most the ticks since the last flush (or block write); earlier blocks stay readable.
/// A failed block write (e.g. disk full) is retried for <see cref="TickRecorderOptions.WriteRetryTimeout"/>
/// (<see cref="IsRetrying"/>, <see cref="WriteRetries"/>, <see cref="WriteError"/>); ticks wait in the ring meanwhile.
/// If writing still fails (disk full, file system gone), recording stops for good: <see cref="Failure"/>
/// and <see cref="WhenFailed"/> say why, the file is closed as it is, and every tick from then on
/// is counted in <see cref="LostTicks"/> (never silently lost): for a recorder,
/// <see cref="ObservedTicks"/> = ticks readable in its files + <see cref="LostTicks"/> +
/// <see cref="DroppedTicks"/> + <see cref="InvalidTicks"/>.
/// </summary>
/// <remarks>
/// <see cref="OnTick"/> is called by exactly one thread (the engine's sequencer) and never blocks,
/// throws or allocates: if the ring (the project's one <see cref="SpscRing{T}"/>, whose remarks
/// give the ordering) is full the tick is counted in <see cref="DroppedTicks"/> and discarded.
/// Other members may be called from any thread.
/// </remarks>
public sealed class TickRecorder : ITickObserver, IDisposable
{
    private const long NanosPerDay = 86_400L * UnixTime.NanosPerSecond;

    private readonly TickRecorderOptions _options;
    private readonly IReadOnlyList<TickLogSymbol> _symbols;
    private readonly SpscRing<Tick> _ring;
    private readonly Thread _thread;
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private readonly ManualResetEventSlim _signal = new(false);
    private readonly Lock _gate = new();
    private readonly List<string> _files = [];
    private long _dropped;
    private long _recorded;
    private long _invalid;
    private long _flushCount;
    private long _lost;
    private long _writeRetries;
    private int _retrying;
    private Exception? _retryError;
    // Writer thread only: ticks of the current drain that are in the writer but not yet freed from the ring.
    private int _takenNotFreed;
    private readonly TaskCompletionSource<Exception> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _flushRequested;
    private int _sleeping;
    private volatile bool _stopping;
    private bool _started;
    private bool _disposed;
    private TaskCompletionSource? _flushWaiter;
    private TickLogWriter? _writer;
    private long _writerDay = long.MinValue;
    private Exception? _failure;
    private string? _currentFile;

    /// <summary>Creates a recorder for a feed whose tick symbol ids index <paramref name="symbols"/>.</summary>
    public TickRecorder(TickRecorderOptions options, IReadOnlyList<TickLogSymbol> symbols, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(symbols);
        if (options.RingCapacity <= 0 || options.FlushInterval <= TimeSpan.Zero || options.MaxFileBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "ring capacity, flush interval and max file size must be positive");
        }

        _options = options;
        _symbols = [.. symbols];
        _ring = new SpscRing<Tick>(options.RingCapacity);
        Directory.CreateDirectory(options.Directory);
        _thread = new Thread(WriterLoop) { IsBackground = true, Name = "TickRecorder" };
        var time = timeProvider ?? TimeProvider.System;
        _time = time;
        _timer = time.CreateTimer(static s => ((TickRecorder)s!).RequestFlush(), this, options.FlushInterval, options.FlushInterval);
        if (options.AutoStart)
        {
            Start();
        }
    }

    /// <summary>Ticks discarded because the ring was full.</summary>
    public long DroppedTicks => Volatile.Read(ref _dropped);

    /// <summary>Ticks discarded because their symbol id is outside the recorder's symbol table.</summary>
    public long InvalidTicks => Volatile.Read(ref _invalid);

    /// <summary>Ticks not recorded because writing failed (<see cref="Failure"/>): the ticks buffered at the failure and every tick after it.</summary>
    public long LostTicks => Volatile.Read(ref _lost);

    /// <summary>Ticks handed to <see cref="OnTick"/> so far.</summary>
    public long ObservedTicks => _ring.Written + DroppedTicks;

    /// <summary>Completes with the error when writing fails and recording stops (never completes otherwise).</summary>
    public Task<Exception> WhenFailed => _failed.Task;

    /// <summary>The file being written, or null (not started, failed or disposed).</summary>
    public string? CurrentFile => Volatile.Read(ref _currentFile);

    /// <summary>Ticks taken from the ring (written, or buffered for the next block).</summary>
    public long RecordedTicks => Volatile.Read(ref _recorded);

    /// <summary>Completed flushes.</summary>
    public long FlushCount => Volatile.Read(ref _flushCount);

    /// <summary>Ring capacity in ticks.</summary>
    public int RingCapacity => _ring.Capacity;

    /// <summary>Files created so far (oldest first; the last may still be open).</summary>
    public IReadOnlyList<string> Files
    {
        get
        {
            lock (_gate)
            {
                return [.. _files];
            }
        }
    }

    /// <summary>Failed block writes that were retried (each failed attempt counts once).</summary>
    public long WriteRetries => Volatile.Read(ref _writeRetries);

    /// <summary>True while a failed block write is being retried (recording is held up; ticks wait in the ring).</summary>
    public bool IsRetrying => Volatile.Read(ref _retrying) != 0;

    /// <summary>The last error of the write being retried (while <see cref="IsRetrying"/>), or null.</summary>
    public Exception? RetryError => IsRetrying ? Volatile.Read(ref _retryError) : null;

    /// <summary>
    /// Raised on the writer thread when a block write fails and is about to be retried (once per episode), and when a retried
    /// write succeeds. A write that still fails after <see cref="TickRecorderOptions.WriteRetryTimeout"/> ends in <see cref="WhenFailed"/>.
    /// </summary>
    public event EventHandler<RecorderWriteError>? WriteError;

    /// <summary>The error that stopped the writer thread, if any (e.g. disk full).</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Starts the writer thread (done by the constructor unless <see cref="TickRecorderOptions.AutoStart"/> is false).</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                return;
            }

            _started = true;
        }

        _thread.Start();
    }

    /// <summary>Copies a sequenced tick into the ring; never blocks, throws or allocates.</summary>
    public void OnTick(in Tick tick)
    {
        if (!_ring.TryEnqueue(tick))
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return;
        }

        if (Volatile.Read(ref _sleeping) != 0)
        {
            _signal.Set();
        }
    }

    /// <summary>
    /// Completes after the next flush (scheduled or requested) has written everything that was in
    /// the ring when that flush began.
    /// </summary>
    public Task WaitForNextFlushAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return Task.CompletedTask;
            }

            _flushWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _flushWaiter.Task;
        }
    }

    /// <summary>Requests a flush now; completes when every tick recorded before the call is on disk.</summary>
    public Task FlushAsync()
    {
        var task = WaitForNextFlushAsync();
        RequestFlush();
        return task;
    }

    /// <summary>Stops the writer after it has written and flushed every tick in the ring, and closes the file (with its index).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer.Dispose();
        _stopping = true;
        _signal.Set();
        if (_started)
        {
            _thread.Join();
        }
        else
        {
            WriterLoop();
        }

        _signal.Dispose();
    }

    private void RequestFlush()
    {
        Volatile.Write(ref _flushRequested, 1);
        _signal.Set();
    }

    private void WriterLoop()
    {
        try
        {
            while (true)
            {
                bool any = Drain();
                if (Interlocked.Exchange(ref _flushRequested, 0) == 1)
                {
                    TaskCompletionSource? waiter;
                    lock (_gate)
                    {
                        waiter = _flushWaiter;
                        _flushWaiter = null;
                    }

                    Drain();
                    FlushWithRetry();
                    Interlocked.Increment(ref _flushCount);
                    waiter?.TrySetResult();
                    continue;
                }

                if (_stopping)
                {
                    Drain();
                    break;
                }

                if (!any)
                {
                    Volatile.Write(ref _sleeping, 1);
                    if (_ring.Count == 0 && Volatile.Read(ref _flushRequested) == 0 && !_stopping)
                    {
                        // The timeout bounds the latency of a lost wake-up between the check and the wait.
                        _signal.Wait(50);
                    }

                    _signal.Reset();
                    Volatile.Write(ref _sleeping, 0);
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
            DiscardUntilStopped();
        }
        finally
        {
            try
            {
                _writer?.Dispose();
            }
            catch (IOException ex)
            {
                // Closing failed after the last tick was appended: its pending ticks are lost.
                Interlocked.Add(ref _lost, _writer!.PendingCount);
                _writer.Abandon();
                Volatile.Write(ref _failure, ex);
                _failed.TrySetResult(ex);
            }

            _writer = null;
            Volatile.Write(ref _currentFile, null);
            TaskCompletionSource? waiter;
            lock (_gate)
            {
                waiter = _flushWaiter;
                _flushWaiter = null;
            }

            waiter?.TrySetResult();
        }
    }

    /// <summary>Recording failed: close the file as it is and count what it held but could not write.</summary>
    private void Fail(Exception ex)
    {
        if (_writer is { } writer)
        {
            Interlocked.Add(ref _lost, writer.PendingCount);
            writer.Abandon();
            _writer = null;
        }

        Volatile.Write(ref _currentFile, null);
        _ring.Advance(_takenNotFreed); // those are in the writer's lost count now; the rest of the ring is discarded next
        _takenNotFreed = 0;
        Volatile.Write(ref _failure, ex);
        _failed.TrySetResult(ex);
    }

    /// <summary>After a failure: keep the ring empty (the producer never blocks), counting every tick as lost, until disposed.</summary>
    private void DiscardUntilStopped()
    {
        while (true)
        {
            int queued = _ring.Available();
            if (queued > 0)
            {
                Interlocked.Add(ref _lost, queued);
                _ring.Advance(queued);
            }

            if (Interlocked.Exchange(ref _flushRequested, 0) == 1)
            {
                TaskCompletionSource? waiter;
                lock (_gate)
                {
                    waiter = _flushWaiter;
                    _flushWaiter = null;
                }

                waiter?.TrySetResult();
            }

            if (_stopping)
            {
                return;
            }

            Volatile.Write(ref _sleeping, 1);
            if (_ring.Count == 0 && Volatile.Read(ref _flushRequested) == 0 && !_stopping)
            {
                _signal.Wait(50);
            }

            _signal.Reset();
            Volatile.Write(ref _sleeping, 0);
        }
    }

    private bool Drain()
    {
        int available = _ring.Available();
        if (available == 0)
        {
            return false;
        }

        long invalidBefore = Volatile.Read(ref _invalid);
        int done = 0; // taken from the ring, not yet freed
        for (int i = 0; i < available; i++)
        {
            ref readonly Tick t = ref _ring.Peek(done);
            done++;
            if ((uint)t.SymbolId >= (uint)_symbols.Count)
            {
                // Not in the symbol table this recorder was built with: cannot be written.
                Interlocked.Increment(ref _invalid);
                continue;
            }

            long day = Math.DivRem(t.Timestamp, NanosPerDay, out long rem) - (rem < 0 ? 1 : 0);
            if (_writer is null || day != _writerDay || _writer.Length >= _options.MaxFileBytes)
            {
                _takenNotFreed = done - 1;
                Rotate(day);
            }

            // From here the tick is in the writer (appended, or pending in a block that failed to write).
            _takenNotFreed = done;
            try
            {
                _writer!.Append(t);
            }
            catch (IOException ex)
            {
                RetryPendingBlock(ex);
            }

            // Free slots as we go so a long drain does not make the producer drop.
            if (done == 1024)
            {
                _ring.Advance(done);
                done = 0;
                _takenNotFreed = 0;
            }
        }

        _ring.Advance(done);
        _takenNotFreed = 0;
        Interlocked.Add(ref _recorded, available - (Volatile.Read(ref _invalid) - invalidBefore));
        return true;
    }

    /// <summary>Writes the buffered block and fsyncs; a failed block write is retried, a failed fsync is not.</summary>
    private void FlushWithRetry()
    {
        if (_writer is not { } writer)
        {
            return;
        }

        try
        {
            writer.Flush(toDisk: true);
        }
        catch (IOException ex) when (writer.PendingCount > 0)
        {
            // The block write failed (its ticks are still pending); after an fsync error nothing is pending.
            RetryPendingBlock(ex);
            writer.Flush(toDisk: true);
        }
    }

    /// <summary>
    /// A block write failed with <paramref name="error"/>: retries it (backoff 50 ms doubling to 1 s) until it succeeds or
    /// <see cref="TickRecorderOptions.WriteRetryTimeout"/> has passed (then, or after one more attempt once disposing,
    /// rethrows the last error: recording fails). The ticks stay in the writer and the ring meanwhile.
    /// </summary>
    private void RetryPendingBlock(IOException error)
    {
        TimeSpan timeout = _options.WriteRetryTimeout;
        if (timeout <= TimeSpan.Zero || _writer is null)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        long started = _time.GetTimestamp();
        int attempts = 1;
        var delay = TimeSpan.FromMilliseconds(50);
        Interlocked.Increment(ref _writeRetries);
        Volatile.Write(ref _retryError, error);
        Volatile.Write(ref _retrying, 1);
        try
        {
            WriteError?.Invoke(this, new RecorderWriteError(error, false, attempts, TimeSpan.Zero, CurrentFile));
            while (true)
            {
                TimeSpan elapsed = _time.GetElapsedTime(started);
                if (elapsed >= timeout)
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                // Backoff; a flush request or Dispose wakes it early (one more attempt, then give up if disposing).
                _signal.Wait(delay < timeout - elapsed ? delay : timeout - elapsed);
                _signal.Reset();
                try
                {
                    _writer.RetryPendingBlock();
                    break;
                }
                catch (IOException ex)
                {
                    error = ex;
                    Volatile.Write(ref _retryError, ex);
                    attempts++;
                    Interlocked.Increment(ref _writeRetries);
                }

                if (_stopping)
                {
                    ExceptionDispatchInfo.Throw(error);
                }

                delay = delay * 2 < TimeSpan.FromSeconds(1) ? delay * 2 : TimeSpan.FromSeconds(1);
            }
        }
        finally
        {
            Volatile.Write(ref _retrying, 0);
        }

        WriteError?.Invoke(this, new RecorderWriteError(error, true, attempts, _time.GetElapsedTime(started), CurrentFile));
    }

    private void Rotate(long day)
    {
        _writer?.Dispose();
        _writer = null;
        string date = DateTime.UnixEpoch.AddDays(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        for (int n = 0; ; n++)
        {
            string name = _options.FilePrefix + date + (n == 0 ? string.Empty : "-" + n.ToString(CultureInfo.InvariantCulture)) + TickLogFormat.FileExtension;
            string path = Path.Combine(_options.Directory, name);
            if (File.Exists(path))
            {
                continue;
            }

            try
            {
                _writer = TickLogWriter.Create(path, _symbols, new TickLogWriterOptions { BlockTicks = _options.BlockTicks, Source = _options.Source });
            }
            catch (IOException) when (File.Exists(path))
            {
                continue;
            }

            _writerDay = day;
            Volatile.Write(ref _currentFile, path);
            lock (_gate)
            {
                _files.Add(path);
            }

            return;
        }
    }
}
