using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.IntegrationTests.ScaleOut;

/// <summary>
/// A raw client that records everything it receives on a background loop, checking full-mode
/// continuity per symbol as it goes; tests wait on it with <see cref="WaitUntilAsync"/> (woken on
/// every frame, bounded by a timeout).
/// </summary>
public sealed class FeedTape : IAsyncDisposable
{
    private readonly RawFeedClient _client;
    private readonly List<ServerMessage> _messages = [];
    private readonly Dictionary<int, long> _last = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FeedTape(RawFeedClient client, long epoch, IEnumerable<ServerMessage> afterWelcome)
    {
        _client = client;
        Epoch = epoch;
        foreach (ServerMessage m in afterWelcome)
        {
            _messages.Add(m);
            Observe(m);
        }

        _loop = Task.Run(RunAsync);
    }

    /// <summary>The epoch in the welcome.</summary>
    public long Epoch { get; }

    /// <summary>True once the server closed the connection (or it broke).</summary>
    public bool Closed { get; private set; }

    /// <summary>The first continuity violation (gap, duplicate, update before a baseline), or null.</summary>
    public string? FirstGap { get; private set; }

    /// <summary>Connects and reads the welcome.</summary>
    public static async Task<FeedTape> ConnectAsync(Uri uri, CancellationToken ct)
    {
        RawFeedClient? client = null;
        try
        {
#pragma warning disable CA2000 // disposed in finally unless ownership passed to the tape
            client = await RawFeedClient.ConnectAsync(uri, ct: ct);
#pragma warning restore CA2000
            // The welcome's frame may carry more (a gateway's upstream status): the tape keeps it.
            List<ServerMessage> first = Assert.IsType<List<ServerMessage>>(await client.ReceiveFrameAsync(ct));
            var welcome = Assert.IsType<StatusMessage>(first[0]);
            Assert.Equal("welcome", welcome.State);
            var tape = new FeedTape(client, Assert.IsType<long>(welcome.Details["epoch"]), first.Skip(1));
            client = null;
            return tape;
        }
        finally
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Sends a subscribe (optionally resuming from <paramref name="resume"/> in <paramref name="epoch"/>).</summary>
    public Task SubscribeAsync(DeliveryMode mode, string[] symbols, CancellationToken ct, IReadOnlyDictionary<string, long>? resume = null, long? epoch = null) =>
        _client.SendAsync(new ControlRequest { Op = ControlRequest.Ops.Subscribe, Id = 1, Symbols = symbols, Mode = mode, Resume = resume, Epoch = epoch }, ct);

    /// <summary>A copy of what was received so far.</summary>
    public List<ServerMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Last seq per symbol id (snapshot or update).</summary>
    public Dictionary<int, long> LastSequences
    {
        get
        {
            lock (_messages)
            {
                return new Dictionary<int, long>(_last);
            }
        }
    }

    /// <summary>Market-data updates received.</summary>
    public int Updates
    {
        get
        {
            lock (_messages)
            {
                return _messages.Count(m => m is QuoteMessage or TradeMessage);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked after every frame) or fails the test after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<FeedTape, bool> condition, TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_messages)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            if (Closed)
            {
                Assert.Fail($"connection closed while waiting for {what}");
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"timed out after {timeout} waiting for {what}");
            }
        }
    }

    /// <summary>Cuts the connection without a close handshake.</summary>
    public void Abort() => _client.Socket.Abort();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _client.DisposeAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            while (await _client.ReceiveFrameAsync(_stop.Token) is { } frame)
            {
                lock (_messages)
                {
                    foreach (ServerMessage m in frame)
                    {
                        _messages.Add(m);
                        Observe(m);
                    }

                    Pulse();
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
        }

        lock (_messages)
        {
            Closed = true;
            Pulse();
        }
    }

    private void Pulse()
    {
        TaskCompletionSource old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    private void Observe(ServerMessage m)
    {
        switch (m)
        {
            case SnapshotMessage s:
                _last[s.State.SymbolId] = s.State.Sequence;
                break;
            case QuoteMessage q:
                Check(q.SymbolId, q.Sequence);
                break;
            case TradeMessage t:
                Check(t.SymbolId, t.Sequence);
                break;
        }
    }

    private void Check(int id, long seq)
    {
        if (!_last.TryGetValue(id, out long last))
        {
            _last[id] = seq; // a resumed symbol starts without a snapshot: the test checks the join itself
            return;
        }

        if (seq != last + 1 && FirstGap is null)
        {
            FirstGap = $"symbol {id}: {last} -> {seq}";
        }

        _last[id] = Math.Max(last, seq); // conflated quote and trade may arrive in either order: the highest held
    }

    /// <summary>(symbol id, seq) of a quote or trade.</summary>
    public static (int Id, long Seq) Key(ServerMessage m) => m switch
    {
        QuoteMessage q => (q.SymbolId, q.Sequence),
        TradeMessage t => (t.SymbolId, t.Sequence),
        _ => (-1, -1),
    };
}
