using MarketFeed.Core;
using MarketFeed.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>Pause, resume, speed and seek of a replay under a controlled clock (the server runs on a FakeTimeProvider).</summary>
public sealed class ReplayControlTests(ReplayDataFixture data) : IClassFixture<ReplayDataFixture>
{
    private static readonly long Second = UnixTime.NanosPerSecond;
    private static readonly long T1400 = UnixTime.FromDateTimeOffset(new DateTimeOffset(2013, 10, 7, 14, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task PauseResumeSpeedSeek_FollowTheReplayClock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var server = await FeedServer.StartAsync(time, "--Replay:DataDirectory=" + data.DataDirectory, "--Replay:StatusIntervalSeconds=3600", "--Feed:HeartbeatIntervalMs=600000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var ticks = new List<(long Seq, long Timestamp)>();
        bool Collect(ServerMessage m)
        {
            if (m is QuoteMessage q)
            {
                ticks.Add((q.Sequence, q.Timestamp));
            }
            else if (m is TradeMessage t)
            {
                ticks.Add((t.Sequence, t.Timestamp));
            }

            return false;
        }

        async Task<ReplayStatusMessage> ControlAsync(ControlRequest request)
        {
            await client.SendAsync(request, ct);
            var status = await client.ReceiveUntilAsync(m => Collect(m) || (m is ReplayStatusMessage s && s.RequestId == request.Id), ct);
            return Assert.IsType<ReplayStatusMessage>(status);
        }

        async Task ReceiveTickAtOrAfterAsync(long timestamp) =>
            Assert.NotNull(await client.ReceiveUntilAsync(m => { Collect(m); return ticks.Count > 0 && ticks[^1].Timestamp >= timestamp; }, ct));

        // The dataset's own tick times from 14:00, read independently of the server.
        var times = new List<long>();
        using (var cursor = MarketFeed.Sources.Replay.ReplayCursor.Open(Path.Combine(data.DataDirectory, "ibm-20131007.mflog"), ["IBM"], T1400))
        {
            while (cursor.TryGetNext(out Tick t))
            {
                times.Add(t.Timestamp);
            }
        }

        // The server sends ticks up to 1 ms of wall time early (pacing slack): at speed x that is x ms of data.
        long slack1x = (long)Gateway.Replay.ReplaySession.PacingSlack.TotalMilliseconds * UnixTime.NanosPerMillisecond;
        int CountUpTo(long timestamp) => times.Count(t => t <= timestamp);
        long NextAfter(long timestamp) => times.First(t => t > timestamp);
        async Task ReceiveCountAsync(int count) =>
            Assert.NotNull(await client.ReceiveUntilAsync(m => { Collect(m); return ticks.Count >= count; }, ct));

        // Start at 14:00 at 1x: ticks at the anchor time are due at once.
        await client.SendAsync(new ControlRequest { Op = "replay", Id = 1, Dataset = "ibm-20131007", From = T1400, Speed = 1 }, ct);
        var start = Assert.IsType<ReplayStartMessage>(await client.ReceiveUntilAsync(m => m is ReplayStartMessage, ct));
        Assert.Equal((T1400, "1x"), (start.From, start.Speed));
        long first = times[0];
        await ReceiveCountAsync(CountUpTo(first));

        // 1x: 30 s of clock release exactly the ticks of the next 30 s of data.
        time.Advance(TimeSpan.FromSeconds(30));
        long mark1 = first + (30 * Second) + slack1x;
        await ReceiveCountAsync(CountUpTo(mark1));
        var paused = await ControlAsync(new ControlRequest { Op = "replay.pause", Id = 2, ReplayId = start.ReplayId });
        Assert.Equal(("paused", NextAfter(mark1)), (paused.State, paused.Position));
        Assert.Equal(CountUpTo(mark1), ticks.Count);

        // Paused: ten minutes of clock release nothing.
        time.Advance(TimeSpan.FromMinutes(10));
        var resumed = await ControlAsync(new ControlRequest { Op = "replay.resume", Id = 3, ReplayId = start.ReplayId });
        Assert.Equal(("playing", paused.Position), (resumed.State, resumed.Position));
        Assert.Equal(CountUpTo(mark1), ticks.Count);

        // 10x: 3 s of clock release 30 s of data.
        var faster = await ControlAsync(new ControlRequest { Op = "replay.speed", Id = 4, ReplayId = start.ReplayId, Speed = 10 });
        Assert.Equal("10x", faster.Speed);
        time.Advance(TimeSpan.FromSeconds(3));
        long mark2 = first + (60 * Second) + (10 * slack1x);
        await ReceiveCountAsync(CountUpTo(mark2));
        var check = await ControlAsync(new ControlRequest { Op = "replay.pause", Id = 5, ReplayId = start.ReplayId });
        Assert.Equal(NextAfter(mark2), check.Position);
        Assert.Equal(CountUpTo(mark2), ticks.Count);

        // Seek to 14:05: a fresh snapshot, then contiguous ticks from there.
        long target = T1400 + (300 * Second);
        await client.SendAsync(new ControlRequest { Op = "replay.seek", Id = 6, ReplayId = start.ReplayId, Time = target }, ct);
        await client.SendAsync(new ControlRequest { Op = "replay.resume", Id = 7, ReplayId = start.ReplayId }, ct);
        var snapshot = Assert.IsType<SnapshotMessage>(await client.ReceiveUntilAsync(m => m is SnapshotMessage, ct));
        Assert.True(snapshot.State.QuoteTimestamp < target && snapshot.State.Sequence > 0);
        ticks.Clear();
        time.Advance(TimeSpan.FromSeconds(2));
        await ReceiveTickAtOrAfterAsync(target + Second);
        Assert.All(ticks, t => Assert.InRange(t.Timestamp, target, target + (20 * Second)));
        for (int i = 0; i < ticks.Count; i++)
        {
            Assert.Equal(snapshot.State.Sequence + 1 + i, ticks[i].Seq);
        }

        // Stop: replay end with the stop request's id.
        await client.SendAsync(new ControlRequest { Op = "replay.stop", Id = 8, ReplayId = start.ReplayId }, ct);
        var end = Assert.IsType<ReplayEndMessage>(await client.ReceiveUntilAsync(m => m is ReplayEndMessage, ct));
        Assert.Equal(("stopped", 8L), (end.Reason, end.RequestId));
    }

    [Fact]
    public async Task ServerWideReplayCap_MaxSpeedReplayGetsOneSecondOfBudgetPerSecond()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
        await using var server = await FeedServer.StartAsync(time, "--Replay:DataDirectory=" + data.DataDirectory, "--Replay:StatusIntervalSeconds=3600", "--Feed:HeartbeatIntervalMs=600000", "--Replay:MaxTicksPerSecond=1000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        int received = 0;
        bool Count(ServerMessage m)
        {
            if (m is QuoteMessage or TradeMessage)
            {
                received++;
            }

            return false;
        }

        var times = new List<long>();
        using (var cursor = MarketFeed.Sources.Replay.ReplayCursor.Open(Path.Combine(data.DataDirectory, "ibm-20131007.mflog"), ["IBM"], T1400))
        {
            while (cursor.TryGetNext(out Tick t))
            {
                times.Add(t.Timestamp);
            }
        }

        Assert.True(times.Count > 3000);
        async Task<ReplayStatusMessage> ControlAsync(ControlRequest request)
        {
            await client.SendAsync(request, ct);
            return Assert.IsType<ReplayStatusMessage>(await client.ReceiveUntilAsync(m => Count(m) || (m is ReplayStatusMessage s && s.RequestId == request.Id), ct));
        }

        // Max speed, full mode: the bucket starts with one second of budget and the clock stands still.
        await client.SendAsync(new ControlRequest { Op = "replay", Id = 1, Dataset = "ibm-20131007", From = T1400, Speed = double.PositiveInfinity, Mode = DeliveryMode.Full }, ct);
        var start = Assert.IsType<ReplayStartMessage>(await client.ReceiveUntilAsync(m => m is ReplayStartMessage, ct));
        Assert.NotNull(await client.ReceiveUntilAsync(m => { Count(m); return received >= 1000; }, ct));
        var status = await ControlAsync(new ControlRequest { Op = "replay.pause", Id = 2, ReplayId = start.ReplayId });
        Assert.Equal((1000, times[1000]), (received, status.Position));

        // A minute of clock while paused refills at most one second of budget: 1000 more, then it waits again.
        time.Advance(TimeSpan.FromMinutes(1));
        await ControlAsync(new ControlRequest { Op = "replay.resume", Id = 3, ReplayId = start.ReplayId });
        Assert.NotNull(await client.ReceiveUntilAsync(m => { Count(m); return received >= 2000; }, ct));
        status = await ControlAsync(new ControlRequest { Op = "replay.pause", Id = 4, ReplayId = start.ReplayId });
        Assert.Equal((2000, times[2000]), (received, status.Position));

        // Half a second of clock: half a second of budget.
        time.Advance(TimeSpan.FromMilliseconds(500));
        await ControlAsync(new ControlRequest { Op = "replay.resume", Id = 5, ReplayId = start.ReplayId });
        Assert.NotNull(await client.ReceiveUntilAsync(m => { Count(m); return received >= 2500; }, ct));
        status = await ControlAsync(new ControlRequest { Op = "replay.pause", Id = 6, ReplayId = start.ReplayId });
        Assert.Equal((2500, times[2500]), (received, status.Position));
    }

    [Fact]
    public async Task ServerWideReplayCap_WakesWhenBudgetRefills_AndTheReplayCompletes()
    {
        // Real clock: a 20,000-tick window at max speed under a 10,000 ticks/s cap cannot end in
        // less than one second (one second of budget up front, then 10,000 per second), and it
        // does end: the loop wakes up each time budget is back.
        await using var server = await FeedServer.StartAsync("--Replay:DataDirectory=" + data.DataDirectory, "--Replay:MaxTicksPerSecond=10000");
        await using var client = await RawFeedClient.ConnectAsync(server.WebSocketUri);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var times = new List<long>();
        using (var cursor = MarketFeed.Sources.Replay.ReplayCursor.Open(Path.Combine(data.DataDirectory, "ibm-20131007.mflog"), ["IBM"], T1400))
        {
            while (times.Count < 20_001 && cursor.TryGetNext(out Tick t))
            {
                times.Add(t.Timestamp);
            }
        }

        long to = times[^1] - 1; // 20,000 ticks (ticks sharing the last timestamp stay outside)
        int expected = times.Count(t => t <= to);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await client.SendAsync(new ControlRequest { Op = "replay", Id = 1, Dataset = "ibm-20131007", From = T1400, To = to, Speed = double.PositiveInfinity, Mode = DeliveryMode.Full }, cts.Token);
        int received = 0;
        var end = Assert.IsType<ReplayEndMessage>(await client.ReceiveUntilAsync(
            m =>
            {
                if (m is QuoteMessage or TradeMessage)
                {
                    received++;
                }

                return m is ReplayEndMessage;
            },
            cts.Token));
        clock.Stop();

        Assert.Equal(("completed", (long)expected, expected), (end.Reason, end.TicksSent, received));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds((expected - 10_000) / 10_000.0) - TimeSpan.FromMilliseconds(20), $"took {clock.Elapsed}");
    }
}
