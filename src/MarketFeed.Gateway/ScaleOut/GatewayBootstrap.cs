using MarketFeed.Core;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MarketFeed.Gateway.ScaleOut;

/// <summary>
/// A gateway's start: connects to NATS, finds the ingest's stream and its latest snapshot
/// (last message of <c>PREFIX.snap</c>), and checks that the ingest serves the same universe. The
/// engine is then built with the ingest's epoch. Every failure is a start-up error that names the
/// configuration key to look at (docs/scale-out.md, "Failures").
/// </summary>
internal sealed class GatewayBootstrap(IOptions<ScaleOutOptions> options, ScaleOutStatus status, ILogger<GatewayBootstrap> logger) : IAsyncDisposable
{
    private readonly ScaleOutOptions _options = options.Value;

    /// <summary>The open connection (after <see cref="Start"/>).</summary>
    public NatsConnection Connection { get; private set; } = null!;

    /// <summary>The snapshot the gateway starts from.</summary>
    public NatsWire.Snapshot Snapshot { get; private set; } = null!;

    /// <summary>The snapshot's stream sequence: ticks are read from the next one on.</summary>
    public ulong SnapshotStreamSequence { get; private set; }

    /// <summary>Options in force.</summary>
    public ScaleOutOptions Options => _options;

    /// <summary>Connects and reads the snapshot; returns the ingest's epoch. Blocking (start-up only).</summary>
    public long Start(SymbolUniverse universe) => StartAsync(universe).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task<long> StartAsync(SymbolUniverse universe)
    {
        ScaleOutLog.Started(logger, ScaleOutOptions.RoleGateway, _options.NatsUrl, _options.SubjectPrefix, _options.EffectiveStreamName);
        Connection = await NatsConnector.ConnectAsync(_options, status, logger, "marketfeed-gateway").ConfigureAwait(false);
        var js = new NatsJSContext(Connection);
        string stream = _options.EffectiveStreamName;
        long deadline = Environment.TickCount64 + _options.StartTimeoutMs;
        string lastProblem;
        while (true)
        {
            try
            {
                INatsJSStream s = await js.GetStreamAsync(stream).ConfigureAwait(false);
                StreamMsgGetResponse last = await s.GetAsync(new StreamMsgGetRequest { LastBySubj = _options.SnapshotSubject }).ConfigureAwait(false);
                Snapshot = NatsWire.ReadSnapshot(last.Message.Data);
                SnapshotStreamSequence = last.Message.Seq;
                break;
            }
            catch (NatsJSApiException ex) when (NatsConnector.IsNotFound(ex))
            {
                lastProblem = ex.Error.Description?.Contains("stream", StringComparison.OrdinalIgnoreCase) == true
                    ? $"NATS at {_options.NatsUrl} has no JetStream stream '{stream}' ({ex.Error.Description}): no ingest has run with ScaleOut:SubjectPrefix={_options.SubjectPrefix}"
                    : $"stream '{stream}' holds no snapshot on subject '{_options.SnapshotSubject}' ({ex.Error.Description}): is the ingest running with ScaleOut:SubjectPrefix={_options.SubjectPrefix}?";
            }
            catch (NatsJSException ex)
            {
                lastProblem = $"JetStream on {_options.NatsUrl} answered: {ex.Message} (is nats-server running with -js?)";
            }
            catch (NatsException ex)
            {
                lastProblem = $"NATS request failed: {ex.Message}";
            }

            if (Environment.TickCount64 >= deadline)
            {
                throw new InvalidOperationException($"ScaleOut:Role=gateway: {lastProblem} (waited {_options.StartTimeoutMs} ms, ScaleOut:StartTimeoutMs)");
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        ulong own = NatsWire.Fingerprint(universe);
        if (Snapshot.Fingerprint != own)
        {
            throw new InvalidOperationException(
                $"ScaleOut:Role=gateway: the ingest serves another symbol universe ({Snapshot.SymbolCount} symbols, fingerprint {Snapshot.Fingerprint:x16}) than this gateway ({universe.Count} symbols, {own:x16}): give both the same Feed:UniverseFile");
        }

        ScaleOutLog.GatewaySeeded(logger, Snapshot.GlobalSequence, Snapshot.Epoch, Snapshot.States.Count, SnapshotStreamSequence);
        return Snapshot.Epoch;
    }
}
