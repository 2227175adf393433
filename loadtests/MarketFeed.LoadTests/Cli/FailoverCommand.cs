using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MarketFeed.Client;
using MarketFeed.Core;
using MarketFeed.Protocol;
using FeedClient = MarketFeed.Client.MarketFeedClient;

namespace MarketFeed.LoadTests.Cli;

/// <summary>
/// <c>failover</c>: N full-mode clients of the client library (docs/client.md), each given two
/// gateways of one scaled-out feed (<c>--url</c> first, <c>--failover-url</c> second). Prints
/// <c>READY</c> (and writes <c>--ready-file</c>) once every client has live ticks; then whoever runs
/// it kills the first gateway (loadtests/run-scaleout.sh). Measures, from the first client's lost
/// connection, the time until every client has resumed on the other gateway (its
/// <c>subscriptions_resumed</c>) and until every client has its first tick there, and checks that
/// every symbol was recovered with no gap and no duplicate. Exit code 0 only if all resumed, all
/// recovered and no gap; 1 otherwise.
/// </summary>
public static class FailoverCommand
{
    private static readonly Option<string> Url = new("--url") { Description = "First gateway, ws://host:port/ws/v1 (the one to kill)", Required = true };
    private static readonly Option<string> FailoverUrl = new("--failover-url") { Description = "Second gateway, ws://host:port/ws/v1", Required = true };
    private static readonly Option<int> Clients = new("--clients") { Description = "Full-mode clients", DefaultValueFactory = _ => 200 };
    private static readonly Option<string> Symbols = new("--symbols") { Description = "Comma-separated symbols every client takes", DefaultValueFactory = _ => "AAPL,MSFT,NVDA,AMZN,GOOGL" };
    private static readonly Option<string?> ReadyFile = new("--ready-file") { Description = "File written when every client is live (for a script to wait on)" };
    private static readonly Option<double> Timeout = new("--timeout") { Description = "Seconds to wait for the connections and for the failover", DefaultValueFactory = _ => 120 };

    /// <summary>The command.</summary>
    public static Command Create()
    {
        var command = new Command("failover", "Scale-out failover: N full-mode clients with two gateway URLs; time from the first gateway's death to all resumed on the second");
        foreach (Option o in new Option[] { Url, FailoverUrl, Clients, Symbols, ReadyFile, Timeout, CliOptions.ClientCpus })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) => RunAsync(parse, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct)
    {
        if (parse.GetValue(CliOptions.ClientCpus) is { } cpus)
        {
            Hosting.CpuPinning.PinThisProcess(cpus);
        }

        int n = parse.GetValue(Clients);
        string[] symbols = parse.GetValue(Symbols)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var first = new Uri(parse.GetValue(Url)!);
        var second = new Uri(parse.GetValue(FailoverUrl)!);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(parse.GetValue(Timeout)));
        var clock = Stopwatch.StartNew();
        var watchers = new Watcher[n];
        var readers = new Task[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
#pragma warning disable CA2000 // owned by its watcher, disposed in DisposeAllAsync on every path
                var client = new FeedClient(new MarketFeedClientOptions
                {
                    Uri = first,
                    FailoverUris = [second],
                    ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
                    ChannelCapacity = 100_000,
                    // A killed gateway is seen by its reset sockets at once; the heartbeat timeout only
                    // guards a silent one, and at 3 x 1 s it cut setups on a box with load average 20+.
                    HeartbeatTimeoutMultiplier = 10,
                });
#pragma warning restore CA2000
                watchers[i] = new Watcher(client, clock);
                await client.ConnectAsync(timeout.Token).ConfigureAwait(false);
                await client.SubscribeAsync(symbols, DeliveryMode.Full, cancellationToken: timeout.Token).ConfigureAwait(false);
                readers[i] = watchers[i].ReadAsync(timeout.Token);
            }

            await Task.WhenAll(watchers.Select(w => w.Live.Task)).WaitAsync(timeout.Token).ConfigureAwait(false);
            System.Console.WriteLine($"READY {n} clients x {symbols.Length} symbols live on {first}");
            if (parse.GetValue(ReadyFile) is { } ready)
            {
                await File.WriteAllTextAsync(ready, "ready\n", CancellationToken.None).ConfigureAwait(false);
            }

            // The first gateway dies now (killed from outside); wait until every client is live on the second.
            await Task.WhenAll(watchers.Select(w => w.LiveAfterResume.Task)).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            System.Console.Error.WriteLine($"timed out: {watchers.Count(w => w?.Live.Task.IsCompleted == true)} of {n} live before, {watchers.Count(w => w?.Resumed is not null)} resumed, {watchers.Count(w => w?.LiveAfterResume.Task.IsCompleted == true)} live after");
            await DisposeAllAsync(watchers).ConfigureAwait(false);
            return 1;
        }
        catch
        {
            await DisposeAllAsync(watchers).ConfigureAwait(false);
            throw;
        }

        long lost = watchers.Min(w => w.LostAt);
        double[] resumed = [.. watchers.Select(w => Ms(w.ResumedAt - lost)).Order()];
        double[] live = [.. watchers.Select(w => Ms(w.LiveAfterResumeAt - lost)).Order()];
        int recovered = watchers.Sum(w => w.Resumed!.Recovered.Count);
        int notRecovered = watchers.Sum(w => w.Resumed!.NotRecovered.Count);
        long gaps = watchers.Sum(w => w.Gaps);
        int moved = watchers.Count(w => w.Client.CurrentUri == second);
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"FAILOVER clients={n} moved={moved} resumed_p50_ms={resumed[n / 2]:F0} resumed_max_ms={resumed[^1]:F0} live_p50_ms={live[n / 2]:F0} live_max_ms={live[^1]:F0} recovered={recovered} not_recovered={notRecovered} gaps={gaps}"));
        await DisposeAllAsync(watchers).ConfigureAwait(false);
        return moved == n && notRecovered == 0 && gaps == 0 ? 0 : 1;
    }

    private static double Ms(long stopwatchTicks) => stopwatchTicks * 1000.0 / Stopwatch.Frequency;

    private static async Task DisposeAllAsync(Watcher?[] watchers)
    {
        foreach (Watcher? w in watchers)
        {
            if (w is not null)
            {
                await w.Client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One client's reader: continuity per symbol, the moments it lost and regained the feed.</summary>
    private sealed class Watcher
    {
        private readonly Stopwatch _clock;
        private readonly Dictionary<int, long> _last = [];

        public Watcher(FeedClient client, Stopwatch clock)
        {
            Client = client;
            _clock = clock;
            client.StateChanged += (_, s) =>
            {
                if (s.State != ConnectionState.Connected && LostAt == long.MaxValue && Live.Task.IsCompleted)
                {
                    LostAt = _clock.ElapsedTicks;
                }
            };
        }

        public FeedClient Client { get; }

        public TaskCompletionSource Live { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource LiveAfterResume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long LostAt { get; private set; } = long.MaxValue;

        public long ResumedAt { get; private set; }

        public long LiveAfterResumeAt { get; private set; }

        public SubscriptionsResumedMessage? Resumed { get; private set; }

        public long Gaps { get; private set; }

        public async Task ReadAsync(CancellationToken ct)
        {
            try
            {
                await foreach (ServerMessage m in Client.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    switch (m)
                    {
                        case SnapshotMessage s:
                            _last[s.State.SymbolId] = s.State.Sequence;
                            break;
                        case QuoteMessage or TradeMessage:
                            (int id, long seq) = m is QuoteMessage q ? (q.SymbolId, q.Sequence) : (((TradeMessage)m).SymbolId, ((TradeMessage)m).Sequence);
                            if (!_last.TryGetValue(id, out long previous) || seq != previous + 1)
                            {
                                Gaps++;
                            }

                            _last[id] = seq;
                            if (Resumed is null)
                            {
                                Live.TrySetResult();
                            }
                            else if (LiveAfterResumeAt == 0)
                            {
                                LiveAfterResumeAt = _clock.ElapsedTicks;
                                LiveAfterResume.TrySetResult();
                            }

                            break;
                        case SubscriptionsResumedMessage r:
                            ResumedAt = _clock.ElapsedTicks;
                            Resumed = r;
                            break;
                        case SequenceGapMessage:
                            Gaps++;
                            break;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
