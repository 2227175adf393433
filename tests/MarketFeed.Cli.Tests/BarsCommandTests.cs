using MarketFeed.Core.Bars;
using MarketFeed.Protocol;
using MarketFeed.Testing;
using MessagePack;

namespace MarketFeed.Cli.Tests;

/// <summary><c>marketfeed bars</c> against a scripted server: a table of one page, CSV of every page, errors.</summary>
public sealed class BarsCommandTests : IDisposable
{
    private const long T0 = 1_381_152_600_000_000_000; // 2013-10-07T13:30:00Z
    private const long Minute = 60_000_000_000;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Bar MakeBar(int i) => new()
    {
        Start = T0 + (i * Minute), Open = 1_815_200 + i, High = 1_816_000 + i, Low = 1_814_000 + i, Close = 1_815_500 + i,
        Volume = 1_000 + i, Count = 10 + i, Basis = i == 2 ? BarBasis.QuoteMid : BarBasis.Trades,
    };

    // Pages of two bars: from T0 (bars 0-1, more to come), then from after bar 1 (bar 2, complete).
    private static async Task AnswerAsync(ControlRequest request, Func<Action<FrameBuilder>, Task> send)
    {
        if (request.Op != ControlRequest.Ops.Bars)
        {
            return;
        }

        if (request.Symbol != "IBM")
        {
            await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteError(ref w, id, ErrorCode.UnknownSymbol, "unknown symbol 'NOPE'", "NOPE")));
            return;
        }

        bool firstPage = request.From is null || request.From <= T0;
        Bar[] bars = firstPage ? [MakeBar(0), MakeBar(1)] : [MakeBar(2)];
        await send(b => b.Add((request.Id, bars, firstPage), static (ref MessagePackWriter w, (long Id, Bar[] Bars, bool First) s) =>
            MessageEncoder.WriteBars(ref w, s.Id, "IBM", "1m", 4, 0, s.Bars, lastIsOpen: false, complete: !s.First)));
    }

    [Fact]
    public async Task Bars_ToCsv_PagesThroughTheRange_WithExactDecimals()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerAsync);
        string output = _dir.File("ibm-1m.csv");

        var result = await CliRunner.RunAsync("bars", "IBM", "--url", server.Uri.ToString(), "-i", "1m", "-d", "ibm-20131007", "--from", "2013-10-07T13:30:00Z", "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("3 1m bars of IBM written to", result.Stdout);
        var requests = server.Requests.Where(r => r.Op == ControlRequest.Ops.Bars).ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(("IBM", "1m", "ibm-20131007", T0), (requests[0].Symbol, requests[0].Interval, requests[0].Dataset, requests[0].From));
        Assert.Equal(T0 + Minute + 1, requests[1].From); // the next page starts after the last bar received
        var lines = File.ReadAllLines(output);
        Assert.Equal("start_utc,start_ns,symbol,interval,open,high,low,close,volume,trades,basis,closed", lines[0]);
        Assert.Equal($"2013-10-07T13:30:00.000000000Z,{T0},IBM,1m,181.5200,181.6000,181.4000,181.5500,1000,10,trades,true", lines[1]);
        Assert.Equal(4, lines.Length);
        Assert.EndsWith(",mid,true", lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bars_Table_ShowsOnePage_AndSaysThereIsMore()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerAsync);
        var result = await CliRunner.RunAsync("bars", "IBM", "--url", server.Uri.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("181.5200", result.Stdout);
        Assert.Contains("2 1m bars of IBM (more in range", result.Stdout);
        Assert.Single(server.Requests, r => r.Op == ControlRequest.Ops.Bars);
    }

    [Fact]
    public async Task Bars_UnknownSymbolOrBadInterval_ExitNonZeroWithTheReason()
    {
        await using var server = await FakeReplayServer.StartAsync(AnswerAsync);
        var unknown = await CliRunner.RunAsync("bars", "NOPE", "--url", server.Uri.ToString());
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown symbol 'NOPE'", unknown.Stderr);

        var bad = await CliRunner.RunAsync("bars", "IBM", "--url", server.Uri.ToString(), "-i", "7x");
        Assert.Equal(64, bad.ExitCode);
        Assert.Contains("not a bar interval", bad.Stderr);
    }
}
