using MarketFeed.Core;
using MarketFeed.Core.Bars;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Options;
using MarketFeed.Protocol;
using MarketFeed.Sources.Datasets;
using MarketFeed.Sources.Replay;
using MarketFeed.Sources.TickLog;
using Microsoft.Extensions.Options;

namespace MarketFeed.Gateway.Bars;

/// <summary>Answers <c>bars</c> requests: from the live store, or computed from a dataset's tick log.</summary>
public sealed class BarService
{
    private readonly FeedRuntime _runtime;
    private readonly DatasetCatalog _catalog;

    /// <summary>Creates the service and, when bars are enabled, attaches the live store to the engine.</summary>
    public BarService(FeedRuntime runtime, DatasetCatalog catalog, IOptions<BarOptions> options)
    {
        _runtime = runtime;
        _catalog = catalog;
        Options = options.Value;
        if (Options.Enabled)
        {
            Live = new LiveBarStore(runtime.Universe.Count, Options.ParseIntervals());
            runtime.Engine.AddObserver(Live);
        }
    }

    /// <summary>Options in force.</summary>
    public BarOptions Options { get; }

    /// <summary>The live store (null when <c>Bars:Enabled</c> is false).</summary>
    public LiveBarStore? Live { get; }

    /// <summary>Serves one request; throws <see cref="BarRequestException"/> with the documented code for a bad one.</summary>
    public BarsReply Query(ControlRequest request)
    {
        string symbol = request.Symbol ?? (request.Symbols is { Count: 1 } one ? one[0] : null)
            ?? throw new BarRequestException(ErrorCode.BadRequest, "bars needs 'symbol' (one symbol name)", null);
        if (!BarInterval.TryParse(request.Interval, out BarInterval interval))
        {
            throw new BarRequestException(ErrorCode.BadRequest, "bars needs 'interval': N followed by s, m, h or d (1s..1d), e.g. \"1m\"", null);
        }

        long from = request.From ?? long.MinValue;
        long to = request.To ?? long.MaxValue;
        if (from > to)
        {
            throw new BarRequestException(ErrorCode.BadRequest, "'from' is after 'to'", null);
        }

        int max = Options.MaxBarsPerRequest;
        int last = request.Last ?? 0;
        if (last > max)
        {
            throw new BarRequestException(ErrorCode.BadRequest, $"'last' is at most {max} (Bars:MaxBarsPerRequest)", null);
        }

        var bars = new List<Bar>();
        if (request.Dataset is { } dataset)
        {
            if (!DatasetCatalog.IsValidName(dataset) || !_catalog.TryGet(dataset, out DatasetInfo info))
            {
                throw new BarRequestException(ErrorCode.UnknownDataset, $"unknown dataset '{dataset}'", null);
            }

            if (ReplayCursor.IndexOf(info.Symbols, symbol) < 0)
            {
                throw new BarRequestException(ErrorCode.UnknownSymbol, $"dataset '{dataset}' has no symbol '{symbol}'", symbol);
            }

            bool complete = DatasetBars.Compute(info.Path, symbol, interval, from, to, last, max, bars);
            TickLogSymbol logSymbol = info.Symbols[ReplayCursor.IndexOf(info.Symbols, symbol)];
            return new BarsReply(logSymbol.Name, logSymbol.PriceDecimals, logSymbol.SizeDecimals, interval, bars, LastIsOpen: false, complete);
        }

        if (!_runtime.Universe.TryGet(symbol, out SymbolInfo info2))
        {
            throw new BarRequestException(ErrorCode.UnknownSymbol, $"unknown symbol '{symbol}'", symbol);
        }

        if (Live is null || !Live.TryCopy(info2.Id, interval, from, to, last, max, bars, out bool liveComplete))
        {
            throw new BarRequestException(ErrorCode.BadRequest, $"interval {interval} is not kept for the live feed (configured: {Configured()})", null);
        }

        // The newest bar is open while the server clock is inside it.
        bool open = bars.Count > 0 && bars[^1].Start + interval.Nanos > UnixTime.NowNanos(_runtime.Time);
        return new BarsReply(info2.Name, info2.PriceDecimals, info2.SizeDecimals, interval, bars, open, liveComplete);
    }

    private string Configured()
    {
        if (Live is null)
        {
            return "none, Bars:Enabled is false";
        }

        var names = new List<string>();
        foreach (var (interval, _) in Live.Intervals)
        {
            names.Add(interval.Name);
        }

        return string.Join(", ", names);
    }
}
