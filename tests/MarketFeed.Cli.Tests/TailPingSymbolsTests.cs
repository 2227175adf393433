using System.Net;
using System.Net.Sockets;
using MarketFeed.Core;
using MarketFeed.Protocol;
using MessagePack;

namespace MarketFeed.Cli.Tests;

/// <summary><c>tail</c>, <c>ping</c> and <c>symbols</c> against a scripted server (FakeReplayServer).</summary>
public sealed class TailPingSymbolsTests
{
    private static readonly SymbolInfo Aapl = new("AAPL", 0, "Apple Inc", "USD", 4, 0, 100, 1, 2_285_000);
    private static readonly SymbolInfo Msft = new("MSFT", 1, "Microsoft Corp", "USD", 4, 0, 100, 1, 4_152_000);

    private static Tick Quote(long seq, long bid) => Tick.NewQuote(Aapl.Id, 1_700_000_000_000_000_000 + seq, bid, 100, bid + 100, 200) with { Sequence = seq };

    private static MarketSnapshot SnapshotAt(long seq)
    {
        var state = new MarketSnapshot { SymbolId = Aapl.Id };
        state.Apply(Quote(seq, 2_280_000));
        return state;
    }

    /// <summary>First subscribe: snapshot #10, #11, then #14 (two ticks missing). The resubscribe: snapshot #14, then #15.</summary>
    private static Func<ControlRequest, Func<Action<FrameBuilder>, Task>, Task> GappyFeed()
    {
        int subscribes = 0;
        return async (request, send) =>
        {
            if (request.Op != ControlRequest.Ops.Subscribe)
            {
                return;
            }

            DeliveryMode mode = request.Mode ?? DeliveryMode.Conflated;
            await send(b => b.Add((request.Id, mode), static (ref MessagePackWriter w, (long Id, DeliveryMode Mode) s) => MessageEncoder.WriteSubscribeAck(ref w, s.Id, s.Mode, 0, [Aapl])));
            if (Interlocked.Increment(ref subscribes) == 1)
            {
                await send(b =>
                {
                    b.AddSnapshot(SnapshotAt(10));
                    b.AddTick(Quote(11, 2_281_000));
                });
                await send(b => b.AddTick(Quote(14, 2_284_000)));
                if (mode == DeliveryMode.Conflated)
                {
                    await send(b => b.AddTick(Quote(15, 2_285_000))); // no resubscribe in conflated mode
                }
            }
            else
            {
                await send(b =>
                {
                    b.AddSnapshot(SnapshotAt(14));
                    b.AddTick(Quote(15, 2_285_000));
                });
            }
        };
    }

    [Fact]
    public async Task Tail_FullMode_ReportsTheGap_ResubscribesAndCarriesOn()
    {
        await using var server = await FakeReplayServer.StartAsync(GappyFeed());

        var result = await CliRunner.RunAsync("tail", "AAPL", "--url", server.Uri.ToString(), "--mode", "full", "--count", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("GAP AAPL (full): expected #12, got #14 (2 missed); resubscribing", result.Stdout);
        Assert.Contains("#15", result.Stdout);
        Assert.Equal(2, server.Requests.Count(r => r.Op == ControlRequest.Ops.Subscribe));
        Assert.All(server.Requests.Where(r => r.Op == ControlRequest.Ops.Subscribe), r => Assert.Equal(DeliveryMode.Full, r.Mode));
    }

    [Fact]
    public async Task Tail_ConflatedMode_AJumpIsNotAGap()
    {
        await using var server = await FakeReplayServer.StartAsync(GappyFeed());

        var result = await CliRunner.RunAsync("tail", "AAPL", "--url", server.Uri.ToString(), "--count", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("GAP", result.Stdout);
        Assert.Contains("#14", result.Stdout);
        Assert.Contains("#15", result.Stdout);
        Assert.Equal(1, server.Requests.Count(r => r.Op == ControlRequest.Ops.Subscribe));
    }

    [Fact]
    public async Task Tail_UnknownSymbolOnly_ExitsWithRequestFailed()
    {
        await using var server = await FakeReplayServer.StartAsync(async (request, send) =>
        {
            await send(b =>
            {
                b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteError(ref w, id, ErrorCode.UnknownSymbol, "unknown symbol 'NOPE'", "NOPE"));
                b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteSubscribeAck(ref w, id, DeliveryMode.Conflated, 0, []));
            });
        });

        var result = await CliRunner.RunAsync("tail", "NOPE", "--url", server.Uri.ToString(), "--count", "1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NOPE", result.Stderr + result.Stdout);
    }

    [Fact]
    public async Task Ping_PrintsEachPongAndTheSummary()
    {
        await using var server = await FakeReplayServer.StartAsync(async (request, send) =>
        {
            if (request.Op == ControlRequest.Ops.Ping)
            {
                await send(b => b.Add((request.Id, request.Time ?? 0), static (ref MessagePackWriter w, (long Id, long Time) s) => MessageEncoder.WritePong(ref w, s.Id, s.Time, s.Time + 1_000_000)));
            }
        });

        var result = await CliRunner.RunAsync("ping", "--url", server.Uri.ToString(), "--count", "3", "--interval", "10ms");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("pong 1: rtt", result.Stdout);
        Assert.Contains("pong 3: rtt", result.Stdout);
        Assert.Contains("3 pongs: rtt min/avg/max", result.Stdout);
        Assert.Equal(3, server.Requests.Count(r => r.Op == ControlRequest.Ops.Ping && r.Time > 0));
    }

    [Fact]
    public async Task Ping_NothingListening_ExitsWithConnectionFailed()
    {
        // A port that was free a moment ago: bound, read, released.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await CliRunner.RunAsync("ping", "--url", $"ws://127.0.0.1:{port}/ws/v1", "--count", "1");

        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Symbols_PrintsTheDirectoryWithTheMatchSent()
    {
        await using var server = await FakeReplayServer.StartAsync(async (request, send) =>
        {
            if (request.Op == ControlRequest.Ops.Symbols)
            {
                await send(b => b.Add(request.Id, static (ref MessagePackWriter w, long id) => MessageEncoder.WriteSymbolDirectory(ref w, id, [Aapl, Msft])));
            }
        });

        var result = await CliRunner.RunAsync("symbols", "a", "--url", server.Uri.ToString());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("AAPL", result.Stdout);
        Assert.Contains("Apple Inc", result.Stdout);
        Assert.Contains("Microsoft Corp", result.Stdout);
        Assert.Equal("a", Assert.Single(server.Requests, r => r.Op == ControlRequest.Ops.Symbols).Match);
    }
}
