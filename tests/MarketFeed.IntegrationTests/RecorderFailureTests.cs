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
            "--rate", "20000", "--Recording:Enabled=true", "--Recording:Directory=" + disk!.Path, "--Recording:FlushIntervalMs=100",
            "--Recording:WriteRetryTimeoutMs=300"))
        {
            recorder = server.Get<RecordingService>().Recorder!;
            Exception failure = await recorder.WhenFailed.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.IsAssignableFrom<IOException>(failure);
            Assert.True(recorder.WriteRetries >= 1, "the failed write was retried before recording stopped");

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

    [SkippableFact]
    public async Task TransientFullDisk_RecorderRetries_AndLosesNothingOnceSpaceIsFreed()
    {
        using var disk = SmallDisk.TryMount(4 * 1024 * 1024, out string? why);
        Skip.If(disk is null, why);
        using var logs = new CapturingLoggerProvider();
        string recordings = Path.Combine(disk!.Path, "rec");
        string filler = Path.Combine(disk.Path, "filler.bin");
        Sources.Recording.TickRecorder recorder;
        await using (var server = await FeedServer.StartWithAsync(
            b => b.Logging.AddProvider(logs),
            "--rate", "20000", "--Recording:Enabled=true", "--Recording:Directory=" + recordings, "--Recording:FlushIntervalMs=100",
            "--Recording:WriteRetryTimeoutMs=120000"))
        {
            recorder = server.Get<RecordingService>().Recorder!;
            var retrying = new TaskCompletionSource<Sources.Recording.RecorderWriteError>(TaskCreationOptions.RunContinuationsAsynchronously);
            var recovered = new TaskCompletionSource<Sources.Recording.RecorderWriteError>(TaskCreationOptions.RunContinuationsAsynchronously);
            recorder.WriteError += (_, e) => (e.Recovered ? recovered : retrying).TrySetResult(e);
            await recorder.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30)); // recording, with a file on the disk

            // Another program fills the disk: the recorder's next block write fails (perhaps half written).
            FillUntilFull(filler);
            var first = await retrying.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.IsAssignableFrom<IOException>(first.Error);
            Assert.True(recorder.IsRetrying);
            Assert.Null(recorder.Failure);

            using var http = new HttpClient { BaseAddress = server.BaseUri };
            string health = await http.GetStringAsync("/health");
            Assert.Contains("\"status\":\"degraded\"", health);
            Assert.Contains("\"state\":\"retrying\"", health);
            Assert.Contains("marketfeed_recorder_retrying 1", await http.GetStringAsync("/metrics"));
            Assert.Contains("retrying for up to 120000 ms", await logs.WhenLoggedAsync(35).WaitAsync(TimeSpan.FromSeconds(10)));

            // Space is freed: the retried write goes through, recording carries on.
            File.Delete(filler);
            var back = await recovered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(back.Attempts >= 1);
            await recorder.FlushAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(recorder.IsRetrying);
            Assert.Contains("\"state\":\"ok\"", await http.GetStringAsync("/health"));
            Assert.Contains("works again after", await logs.WhenLoggedAsync(36).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("marketfeed_recorder_write_retries_total " + recorder.WriteRetries, await http.GetStringAsync("/metrics"));
            await server.StopAsync();
        }

        // Nothing lost to the error: the log is intact (the half-written block was cut off and written again), and every
        // tick the recorder saw is in it, or was dropped from the full ring while the disk was full (counted).
        Assert.Null(recorder.Failure);
        Assert.Equal(0, recorder.LostTicks);
        long readable = 0;
        foreach (string file in Directory.GetFiles(recordings, "*.mflog"))
        {
            using var reader = TickLogReader.Open(file);
            readable += reader.ReadAllTicks().Count;
            Assert.True(reader.HasFooterIndex, file + " closed cleanly");
            Assert.Empty(reader.Damage);
        }

        Assert.Equal(recorder.ObservedTicks, readable + recorder.DroppedTicks + recorder.InvalidTicks);
    }

    /// <summary>Writes <paramref name="path"/> until the file system has no space left (bounded by the disk's size).</summary>
    private static void FillUntilFull(string path)
    {
        var chunk = new byte[16 * 1024];
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            for (int i = 0; i < 4096; i++)
            {
                fs.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full.
        }

        try
        {
            // The last partial chunk: fill the remaining pages byte-exact.
            for (int i = 0; i < 16 * 1024; i++)
            {
                fs.WriteByte(0);
            }
        }
        catch (IOException)
        {
        }
    }
}
