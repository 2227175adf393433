using MarketFeed.Gateway.Connections;
using MarketFeed.Gateway.Hosting;
using MarketFeed.Gateway.Options;
using MarketFeed.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace MarketFeed.IntegrationTests;

/// <summary>The connection cap is taken atomically before the upgrade: exact under any race.</summary>
public sealed class ConnectionRegistryTests
{
    [Fact]
    public async Task TryReserve_RacingThreads_GrantExactlyMaxConnections()
    {
        const int max = 50;
        using var runtime = new FeedRuntime(TestUniverse.Create(4), new FeedOptions { MaxConnections = max }, TimeProvider.System);
        using var registry = new ConnectionRegistry(runtime, NullLogger<ConnectionRegistry>.Instance);
        int granted = 0;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            for (int i = 0; i < 1000; i++)
            {
                if (registry.TryReserve())
                {
                    Interlocked.Increment(ref granted);
                }
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(max, granted);
        Assert.Equal(max, registry.Reserved);
        registry.Release();
        Assert.True(registry.TryReserve());
        Assert.False(registry.TryReserve());
    }
}
