using MarketFeed.LoadTests.Clients;
using MarketFeed.LoadTests.Hosting;
using MarketFeed.LoadTests.Scenarios;

namespace MarketFeed.LoadTests.Running;

/// <summary>Creates, starts and stops the virtual clients of one run.</summary>
/// <remarks>Start/Stop are called by the plan executor only; <see cref="Snapshot"/> may be called from the sampler.</remarks>
public sealed class ClientPool(ScenarioDefinition definition, TargetKind target, RunContext context, IReadOnlyList<string> symbols, CancellationToken runToken)
{
    private readonly Lock _lock = new();
    private readonly List<VirtualClient> _all = [];
    private readonly Stack<(CancellationTokenSource Cts, Task Task)> _active = new();
    private readonly List<Task> _tasks = [];

    /// <summary>Clients kept open (not counting iteration workers).</summary>
    public int ActiveCount => _active.Count;

    /// <summary>All clients created so far.</summary>
    public VirtualClient[] Snapshot()
    {
        lock (_lock)
        {
            return [.. _all];
        }
    }

    /// <summary>Starts one long-lived client scheduled at <paramref name="scheduledStart"/>.</summary>
    public void Start(TimeSpan scheduledStart)
    {
        var client = Create(null);
#pragma warning disable CA2000 // owned by _active and cancelled when the client is retired; not disposed because the client's task may still observe its token (a linked source holds no timer)
        var cts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
#pragma warning restore CA2000
        var task = Task.Run(() => client.RunAsync(scheduledStart, cts.Token), CancellationToken.None);
        _active.Push((cts, task));
        lock (_lock)
        {
            _tasks.Add(task);
        }
    }

    /// <summary>Stops the most recently started client.</summary>
    public void StopOne()
    {
        if (_active.TryPop(out var c))
        {
            c.Cts.Cancel();
        }
    }

    /// <summary>Stops all long-lived clients.</summary>
    public void StopAll()
    {
        while (_active.Count > 0)
        {
            StopOne();
        }
    }

    /// <summary>Runs one connect/subscribe/ack/close iteration.</summary>
    public Task RunIterationAsync(CancellationToken cancellationToken)
    {
        var client = Create(true);
        return client.RunAsync(context.Clock.Elapsed, cancellationToken);
    }

    /// <summary>Waits (bounded) for every client task to finish.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        StopAll();
        Task[] tasks;
        lock (_lock)
        {
            tasks = [.. _tasks];
        }

        await Task.WhenAny(Task.WhenAll(tasks), Task.Delay(timeout)).ConfigureAwait(false);
    }

    private VirtualClient Create(bool? closeAfterAck)
    {
        VirtualClient client;
        lock (_lock)
        {
            int index = _all.Count;
            var spec = definition.Client(index, symbols);
            if (closeAfterAck == true)
            {
                spec = spec with { CloseAfterAck = true, Role = ClientRole.Fast };
            }

            client = target == TargetKind.MarketFeed ? new MarketFeedVirtualClient(index, spec, context) : new SignalRClient(index, spec, context);
            _all.Add(client);
        }

        return client;
    }
}
