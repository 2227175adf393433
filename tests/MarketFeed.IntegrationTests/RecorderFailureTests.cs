using MarketFeed.Testing;
using MarketFeed.Gateway.Sources;
using MarketFeed.Sources.TickLog;
using Microsoft.Extensions.Logging;

namespace MarketFeed.IntegrationTests;

/// <summary>A recorder that cannot write says so loudly and counts every tick it could not keep (issue #10).</summary>
public sealed class RecorderFailureTests
{
    [SkippableFact]
    public async Task FullDisk_RecorderFailure_IsLogged_InHealthAndMetrics_AndEveryTickIsAccounted()
    {
        using var disk = SmallDisk.TryMount(512 * 1024, out string? why);
        Skip.If(disk is null, why);
        using var logs = new CapturingLoggerProvider();
        Sources.Recording.TickRecorder recorder;
        await using (var server = await FeedServer.StartWithAsync(
            b => b.Logging.AddProvider(logs),
            "--rate", "20000", "--Recording:Enabled=true", "--Recording:Directory=" + disk!.Path, "--Recording:FlushIntervalMs=100"))
        {
            recorder = server.Get<RecordingService>().Recorder!;
            Exception failure = await recorder.WhenFailed.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.IsAssignableFrom<IOException>(failure);

            string logged = await logs.WhenLoggedAsync(31).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Contains("Recording stopped", logged);
            Assert.Contains(failure.Message, logged);

            using var http = new HttpClient { BaseAddress = server.BaseUri };
            string health = await http.GetStringAsync("/health");
            Assert.Contains("\"status\":\"degraded\"", health);
            Assert.Contains("\"state\":\"failed\"", health);
            Assert.Contains("lostTicks", health);
            var ready = await http.GetAsync("/readyz");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("\"failing\":[\"recorder\"]", await ready.Content.ReadAsStringAsync());
            var metrics = PrometheusText.Parse(await http.GetStringAsync("/metrics"));
            Assert.Equal(1, metrics["marketfeed_recorder_failed"]);
            Assert.True(metrics.ContainsKey("marketfeed_recorder_lost_ticks_total"));
            await server.StopAsync();
        }

        // Every tick the recorder saw is readable in its files or counted as lost/dropped.
        long readable = 0;
        foreach (string file in Directory.GetFiles(disk.Path, "*.mflog"))
        {
            using var reader = TickLogReader.Open(file);
            readable += reader.ReadAllTicks().Count;
        }

        Assert.True(readable > 0, "some blocks fit before the disk filled");
        Assert.True(recorder.LostTicks > 0);
        Assert.Equal(recorder.ObservedTicks, readable + recorder.LostTicks + recorder.DroppedTicks + recorder.InvalidTicks);
    }
}
