using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MarketFeed.Core;
using MarketFeed.Gateway.Diagnostics;
using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// Issue 13 part 10: /metrics is the OpenTelemetry Prometheus exporter over the server's meter, so
/// every instrument is exported (no hand-written list to drift), and every exported family is
/// documented in docs/operations.md.
/// </summary>
public sealed class MetricsExportTests
{
    private const string AliceKey = "alice-metrics-key-0123";

    private static CancellationToken Timeout(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    private static string Sha256Hex(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public async Task EveryInstrument_IsExported_AndDocumented()
    {
        using var dir = new TempDirectory();
        await using var server = await FeedServer.StartAsync("--rate", "5000", "--Recording:Enabled=true", "--Recording:Directory=" + dir.Path);
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        var ct = Timeout();

        // Traffic, so that the histograms have measurements (a histogram without any is not exported).
        await using (var client = await RawFeedClient.ConnectAsync(server.WebSocketUri))
        {
            await client.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL", "MSFT"), ct);
            int quotes = 0;
            await client.ReceiveUntilAsync(m => m is QuoteMessage && ++quotes >= 5, ct);

            string text = await http.GetStringAsync("/metrics", ct);
            Dictionary<string, string> families = PrometheusText.Families(text);
            var samples = PrometheusText.Parse(text);

            List<Instrument> instruments = PublishedInstruments(server.Get<MetricsScope>());
            Assert.True(instruments.Count >= 25, $"only {instruments.Count} instruments published");
            foreach (Instrument instrument in instruments)
            {
                (string name, string type) = PrometheusFamily(instrument);
                Assert.True(families.TryGetValue(name, out string? exported), $"instrument {instrument.Name} is not exported as {name}");
                Assert.Equal(type, exported);
            }

            // ...and every family the endpoint serves is documented.
            string operations = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "operations.md"));
            foreach (string family in families.Keys)
            {
                Assert.True(operations.Contains("`" + family, StringComparison.Ordinal), $"{family} is not in docs/operations.md");
            }

            Assert.Equal(1, samples["marketfeed_auth_connections{auth=\"anonymous\"}"]);
            Assert.Equal(2, samples["marketfeed_auth_subscriptions{auth=\"anonymous\"}"]);
            Assert.Equal(0, samples["marketfeed_recorder_failed"]);
            Assert.True(samples["marketfeed_recorder_ring_capacity"] > 0);
        }

        // Once no frame is in flight: one frame-size measurement per data frame, so the histogram's
        // sum is bytes out and its count frames out; one send duration per frame sent.
        Dictionary<string, double> after = [];
        for (int i = 0; i < 500; i++)
        {
            after = PrometheusText.Parse(await http.GetStringAsync("/metrics", ct));
            if (after["marketfeed_connections"] == 0)
            {
                break;
            }

            await Task.Delay(10, ct);
        }

        Assert.Equal(0, after["marketfeed_connections"]);
        Assert.Equal(after["marketfeed_bytes_out_bytes_total"], after["marketfeed_frame_size_bytes_sum"]);
        Assert.Equal(after["marketfeed_frames_out_total"], after["marketfeed_frame_size_bytes_count"]);
        Assert.True(after["marketfeed_send_duration_seconds_count"] >= after["marketfeed_frames_out_total"]);
        Assert.Equal(after["marketfeed_send_duration_seconds_count"], after["marketfeed_send_duration_seconds_bucket{le=\"+Inf\"}"]);
    }

    [Fact]
    public async Task ConnectionsAndSubscriptions_AreCountedByIdentityClass()
    {
        await using var server = await FeedServer.StartAsync(
            "--rate", "5000",
            "--Auth:Enabled=true",
            "--Auth:ApiKeys:0:Name=alice", "--Auth:ApiKeys:0:Sha256=" + Sha256Hex(AliceKey));
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        http.DefaultRequestHeaders.Add("X-Api-Key", AliceKey);
        var ct = Timeout();

        await using var a = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("X-Api-Key", AliceKey));
        await using var b = await RawFeedClient.ConnectAsync(server.WebSocketUri, configure: o => o.SetRequestHeader("X-Api-Key", AliceKey));
        await a.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Conflated, "AAPL", "MSFT", "NVDA"), ct);
        await b.SendAsync(RawFeedClient.Subscribe(1, DeliveryMode.Full, "AAPL"), ct);
        await a.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct);
        await b.ReceiveUntilAsync(m => m is SubscribeAckMessage, ct);

        var samples = PrometheusText.Parse(await http.GetStringAsync("/metrics", ct));
        Assert.Equal(2, samples["marketfeed_auth_connections{auth=\"api-key\"}"]);
        Assert.Equal(4, samples["marketfeed_auth_subscriptions{auth=\"api-key\"}"]);
        Assert.Equal(0, samples["marketfeed_auth_connections{auth=\"anonymous\"}"]);
        Assert.Equal(0, samples["marketfeed_auth_connections{auth=\"jwt\"}"]);
        Assert.Equal(2, samples["marketfeed_connections"]);

        // Still protected: no credential, no metrics.
        using var anonymous = new HttpClient { BaseAddress = server.BaseUri };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics", ct)).StatusCode);
    }

    /// <summary>The instruments of this server's meters (other tests' servers have their own).</summary>
    private static List<Instrument> PublishedInstruments(MetricsScope scope)
    {
        var found = new Dictionary<string, Instrument>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == FeedMetrics.MeterName && scope.Owns(instrument.Meter))
                {
                    lock (found)
                    {
                        found[instrument.Name] = instrument;
                    }
                }
            },
        };
        listener.Start();
        lock (found)
        {
            return [.. found.Values];
        }
    }

    /// <summary>Classic Prometheus naming of an OpenTelemetry instrument (what the exporter promises).</summary>
    private static (string Name, string Type) PrometheusFamily(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_');
        string suffix = instrument.Unit switch
        {
            "By" => "bytes",
            "s" => "seconds",
            null or "" => string.Empty,
            { } u when u.StartsWith('{') => string.Empty,
            { } u => throw new InvalidOperationException($"unit '{u}' of {instrument.Name}: add its Prometheus suffix here and in docs/operations.md"),
        };
        if (suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += "_" + suffix;
        }

        Type definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>))
        {
            return (name + "_total", "counter");
        }

        return definition == typeof(Histogram<>) ? (name, "histogram") : (name, "gauge");
    }
}
