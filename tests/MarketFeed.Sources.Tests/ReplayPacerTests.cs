using MarketFeed.Sources.Replay;
using Microsoft.Extensions.Time.Testing;

namespace MarketFeed.Sources.Tests;

public sealed class ReplayPacerTests
{
    private const long Ms = 1_000_000;
    private const long T0 = 1_700_000_000_000_000_000;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void FirstTick_IsDueAtOnce_LaterTicksAfterOriginalGap()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.RealTime);
        Assert.True(Due(pacer, T0).IsCompletedSuccessfully);

        var next = Due(pacer, T0 + (100 * Ms));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void Speed10x_DividesGaps()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.FromMultiplier(10));
        _ = Due(pacer, T0);
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.GetDelay(T0 + (1000 * Ms)));
        var next = Due(pacer, T0 + (1000 * Ms));
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void MaxSpeed_NeverWaits()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.Max);
        for (long t = 0; t < 10; t++)
        {
            Assert.True(Due(pacer, T0 + (t * 60_000 * Ms)).IsCompletedSuccessfully);
        }
    }

    [Fact]
    public void SpeedChangeWhileWaiting_ReplansFromCurrentPosition()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.RealTime);
        _ = Due(pacer, T0);
        var next = Due(pacer, T0 + (1000 * Ms));
        _time.Advance(TimeSpan.FromMilliseconds(400));

        // 400 ms of replay time done, 600 left; at 2x that is 300 ms of wall time.
        pacer.SetSpeed(ReplaySpeed.FromMultiplier(2));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void SwitchToMax_ReleasesAPendingWait()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.RealTime);
        _ = Due(pacer, T0);
        var next = Due(pacer, T0 + (3_600_000 * Ms));
        pacer.SetSpeed(ReplaySpeed.Max);
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void PausedTime_DoesNotCount()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.RealTime);
        _ = Due(pacer, T0);
        var next = Due(pacer, T0 + (100 * Ms));
        _time.Advance(TimeSpan.FromMilliseconds(30));
        pacer.Pause();
        Assert.True(pacer.IsPaused);
        Assert.Equal(T0 + (30 * Ms), pacer.VirtualTime);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.False(next.IsCompleted);
        Assert.Equal(Timeout.InfiniteTimeSpan, pacer.GetDelay(T0 + (100 * Ms)));

        pacer.Resume();
        _time.Advance(TimeSpan.FromMilliseconds(69));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void Reset_AfterSeek_NextTickIsDueAtOnceAndReanchors()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.RealTime);
        _ = Due(pacer, T0);
        var pending = Due(pacer, T0 + (500 * Ms));
        pacer.Reset();

        // The pending wait re-anchors on its own tick: due at once.
        Assert.True(pending.IsCompletedSuccessfully);

        // Seek far ahead: the first tick after the seek is due at once, the next after its gap.
        pacer.Reset();
        Assert.True(Due(pacer, T0 + (3_600_000 * Ms)).IsCompletedSuccessfully);
        var after = Due(pacer, T0 + (3_600_050 * Ms));
        _time.Advance(TimeSpan.FromMilliseconds(49));
        Assert.False(after.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(after.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Cancellation_StopsAWait()
    {
        var pacer = new ReplayPacer(_time, ReplaySpeed.RealTime);
        _ = Due(pacer, T0);
        using var cts = new CancellationTokenSource();
        var next = Due(pacer, T0 + (1000 * Ms), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
    }

    private static Task Due(ReplayPacer pacer, long timestamp, CancellationToken cancellationToken = default) =>
        pacer.WaitUntilDueAsync(timestamp, cancellationToken).AsTask();

    [Theory]
    [InlineData("max", true, double.PositiveInfinity, "max")]
    [InlineData("10x", false, 10.0, "10x")]
    [InlineData("0.5", false, 0.5, "0.5x")]
    public void ReplaySpeed_Parses(string text, bool isMax, double multiplier, string formatted)
    {
        Assert.True(ReplaySpeed.TryParse(text, out var speed));
        Assert.Equal(isMax, speed.IsMax);
        Assert.Equal(multiplier, speed.Multiplier);
        Assert.Equal(formatted, speed.ToString());
        Assert.False(ReplaySpeed.TryParse("-1", out _));
        Assert.False(ReplaySpeed.TryParse("fast", out _));
    }
}
