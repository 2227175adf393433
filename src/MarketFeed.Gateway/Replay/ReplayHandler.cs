using System.Collections.Concurrent;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Options;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.Recording;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;
using MarketFeed.Gateway.Diagnostics;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Replay;

/// <summary>
/// Serves the catalog and per-client replay sessions: validates replay requests, starts a
/// <see cref="ReplaySession"/> per request (one at a time per connection) and routes replay.*
/// controls to it.
/// </summary>
/// <remarks>Called from connections' receive loops (many threads); state is in concurrent collections.</remarks>
internal sealed class ReplayHandler(DatasetCatalog catalog, IOptions<ReplayOptions> options, TimeProvider time, ILogger<ReplayHandler> logger) : IReplayHandler
{
    private const int SymbolIdBlock = 1 << 20;
    private readonly ReplayRateLimiter? _rateLimiter = options.Value.MaxTicksPerSecond > 0 ? new ReplayRateLimiter(options.Value.MaxTicksPerSecond, time) : null;
    private readonly ConcurrentDictionary<long, (Connection Connection, ReplaySession Session)> _sessions = new();
    private long _nextReplayId;

    public DatasetCatalog Datasets => catalog;

    public int ActiveSessions => _sessions.Count;

    public IReadOnlyList<CatalogEntry> Catalog() => CatalogEntries.From(catalog);

    public void Handle(ControlRequest request, Connection connection)
    {
        if (request.Op == ControlRequest.Ops.Replay)
        {
            Start(request, connection);
            return;
        }

        if (request.ReplayId is not { } replayId)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, $"'{request.Op}' needs 'replayId'");
        }

        if (!_sessions.TryGetValue(replayId, out var entry) || !ReferenceEquals(entry.Connection, connection))
        {
            throw new ControlRequestException(ErrorCode.Conflict, $"no running replay {replayId} on this connection");
        }

        if (request.Op == ControlRequest.Ops.ReplaySpeed && request.Speed is null)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'replay.speed' needs 'speed'");
        }

        if (request.Op == ControlRequest.Ops.ReplaySeek && request.Time is null)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'replay.seek' needs 'time'");
        }

        entry.Session.Enqueue(request);
    }

    private void Start(ControlRequest request, Connection connection)
    {
        if (string.IsNullOrEmpty(request.Dataset))
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'replay' needs 'dataset'");
        }

        if (!DatasetCatalog.IsValidName(request.Dataset) || !catalog.TryGet(request.Dataset, out DatasetInfo info))
        {
            throw new ControlRequestException(ErrorCode.UnknownDataset, $"unknown dataset '{Truncate(request.Dataset)}' (see the 'catalog' op)");
        }

        foreach (var (_, entry) in _sessions)
        {
            if (ReferenceEquals(entry.Connection, connection))
            {
                throw new ControlRequestException(ErrorCode.Conflict, $"replay {entry.Session.ReplayId} is still running on this connection; stop it first");
            }
        }

        if (_sessions.Count >= options.Value.MaxSessions)
        {
            throw new ControlRequestException(ErrorCode.LimitExceeded, $"the server runs its maximum of {options.Value.MaxSessions} replays");
        }

        if (request.From is { } f && request.To is { } t && f > t)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'from' is after 'to'");
        }

        IReadOnlyCollection<string>? symbols = request.Symbols is { Count: > 0 } list ? list : null;
        if (symbols is not null)
        {
            // A replay runs as asked or not at all (docs/protocol.md section 6): the symbols the
            // dataset lacks (whether or not the live feed has them) get one 404 listing them, as a
            // subscribe's unknown symbols do, and no replay starts.
            RejectedSymbols missing = default;
            foreach (string s in symbols)
            {
                if (ReplayCursor.IndexOf(info.Symbols, s) < 0)
                {
                    missing.Add(s);
                }
            }

            if (missing.Count > 0)
            {
                var listed = missing.Listed!;
                string message = missing.Count == 1
                    ? $"dataset '{info.Name}' has no symbol '{listed[0]}'; replay not started"
                    : missing.Count == listed.Count
                        ? $"dataset '{info.Name}' lacks {missing.Count} of the requested symbols; replay not started"
                        : $"dataset '{info.Name}' lacks {missing.Count} of the requested symbols (the first {listed.Count} listed); replay not started";
                connection.ReplyErrorListing(request.Id, ErrorCode.UnknownSymbol, message, listed);
                return;
            }
        }

        DeliveryMode mode = request.Mode ?? DeliveryMode.Full;
        int throttle = request.Throttle ?? 0;
        if (mode == DeliveryMode.Full && throttle > 0)
        {
            throw new ControlRequestException(ErrorCode.BadRequest, "'throttle' applies to conflated mode only");
        }

        // Live bar updates of the replayed ticks (docs/protocol.md 4.12), computed as the live store does.
        List<(Core.Bars.BarInterval Interval, int Capacity)>? barIntervals = request.Bars is { Count: > 0 } bars ? Bars.BarIntervalMask.Distinct(bars) : null;
        ReplaySpeed speed = request.Speed is { } x ? (double.IsPositiveInfinity(x) ? ReplaySpeed.Max : ReplaySpeed.FromMultiplier(x)) : ReplaySpeed.RealTime;
        ReplayCursor cursor = catalog.OpenCursor(info.Name, symbols, request.From ?? long.MinValue, request.To ?? long.MaxValue);
        cursor.SkipDamage = request.SkipDamage;
        long replayId = Interlocked.Increment(ref _nextReplayId);
        // One replay at a time per connection, and its data is drained before its end message,
        // so one id block suffices: replay ids never collide with live ids, and the same request
        // gives the same messages.
        const int offset = SymbolIdBlock;
        var session = new ReplaySession(connection, replayId, request.Id, info.Name, cursor, speed, mode, throttle, offset, TimeSpan.FromSeconds(options.Value.StatusIntervalSeconds), _rateLimiter, Ended, barIntervals)
        {
            ContinueLive = request.ContinueLive ? (IsLiveRecording(info, connection) ? LiveJoin.BySequence : LiveJoin.Snapshot) : LiveJoin.None,
        };
        _sessions[replayId] = (connection, session);
        connection.Own(session);
        session.Start();

        void Ended(ReplaySession s)
        {
            _sessions.TryRemove(s.ReplayId, out _);
            connection.Disown(s);
            if (s.DamageMet.Count > 0)
            {
                // About a connection: with its id and identity in the scope, like the connection's own lines.
                var scoped = new ConnectionLogger(logger, connection.Id, connection.Identity, connection.RemoteAddress);
                ServerLog.ReplayDamage(scoped, s.ReplayId, s.Dataset, s.EndReason, s.DamageMet.Count, s.DamageMet[0].ToString());
            }
        }
    }

    /// <summary>True if the dataset is the live feed's recording in the live epoch: its seqs are the live seqs.</summary>
    private static bool IsLiveRecording(DatasetInfo info, Connection connection)
    {
        try
        {
            using var reader = TickLogReader.Open(info.Path);
            return reader.Source == RecordedTickHistory.SourceFor(connection.Runtime.Engine.Epoch);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";
}
