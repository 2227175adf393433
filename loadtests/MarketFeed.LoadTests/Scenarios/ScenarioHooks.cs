namespace MarketFeed.LoadTests.Scenarios;

/// <summary>Init/clean hooks shared by the built-in scenarios.</summary>
public static class ScenarioHooks
{
    /// <summary>Init: the target must answer <c>/health</c> and have no connections yet (a fresh or idle server),
    /// so the run's memory baseline is the server's own.</summary>
    public static async Task RequireIdleServerAsync(ScenarioContext context)
    {
        using var response = await context.Http.GetAsync(new Uri(context.BaseUri, "/health")).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        if (doc.RootElement.TryGetProperty("connections", out var c) && c.GetInt64() > 0)
        {
            context.Log($"warning: the target already has {c.GetInt64()} connections; memory per connection will be off");
        }
    }

    /// <summary>Clean: waits (bounded, 5 s) for the server to release the run's connections, and logs what is left.</summary>
    public static async Task WaitForConnectionsClosedAsync(ScenarioContext context)
    {
        long open = -1;
        for (int i = 0; i < 25; i++)
        {
            using var response = await context.Http.GetAsync(new Uri(context.BaseUri, "/health")).ConfigureAwait(false);
            using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
            open = doc.RootElement.TryGetProperty("connections", out var c) ? c.GetInt64() : 0;
            if (open == 0)
            {
                return;
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        context.Log($"clean: the server still holds {open} connections 5 s after the clients closed");
    }
}
