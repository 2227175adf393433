using Microsoft.AspNetCore.SignalR;

namespace MarketFeed.SignalRBaseline;

/// <summary>
/// The baseline hub: <see cref="Subscribe"/> joins one SignalR group per symbol; the
/// <see cref="SimulatorPump"/> sends every tick of a symbol to its group ("q" quotes, "t" trades).
/// </summary>
public sealed class FeedHub(BaselineFeed feed) : Hub
{
    /// <summary>Joins the groups of the known symbols among <paramref name="symbols"/>.</summary>
    public async Task<SubscribeResult> Subscribe(string[] symbols)
    {
        var names = new List<string>(symbols.Length);
        var ids = new List<int>(symbols.Length);
        foreach (string s in symbols)
        {
            if (feed.Universe.TryGet(s, out var info))
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, info.Name).ConfigureAwait(false);
                names.Add(info.Name);
                ids.Add(info.Id);
            }
        }

        return new SubscribeResult { Symbols = [.. names], SymbolIds = [.. ids] };
    }

    /// <summary>Leaves the groups of <paramref name="symbols"/>.</summary>
    public async Task Unsubscribe(string[] symbols)
    {
        foreach (string s in symbols)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, s.ToUpperInvariant()).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override Task OnConnectedAsync()
    {
        feed.ConnectionOpened();
        return base.OnConnectedAsync();
    }

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception)
    {
        feed.ConnectionClosed();
        return base.OnDisconnectedAsync(exception);
    }
}
