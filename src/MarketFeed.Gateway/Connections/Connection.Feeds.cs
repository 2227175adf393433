using MarketFeed.Engine;
using MarketFeed.Gateway.Bars;

namespace MarketFeed.Gateway.Connections;

internal sealed partial class Connection
{
    private readonly List<AttachedFeed> _feeds = [];
    private BarSubscriptions? _liveBars; // live bar updates (under _gate); created on the first subscribe that asks for bars
    private readonly List<IAsyncDisposable> _ownedSessions = [];

    /// <summary>The signal that wakes this connection's sender (for subscribers of other engines, e.g. a replay).</summary>
    public SenderSignal Signal => _signal;

    /// <summary>
    /// Adds a subscriber of another engine (e.g. a replay session's) whose updates this connection
    /// sends, with symbol ids shifted by <paramref name="symbolIdOffset"/>. <paramref name="frameSent"/>
    /// is set after every frame this connection sends (back-pressure for the feed's producer).
    /// <paramref name="bars"/>, if given, carries the feed's live bar updates (ids before the offset).
    /// </summary>
    public void AttachFeed(Subscriber subscriber, int symbolIdOffset, SenderSignal? frameSent, BarSubscriptions? bars = null)
    {
        lock (_gate)
        {
            _feeds.Add(new AttachedFeed(subscriber, symbolIdOffset, frameSent, bars));
        }

        _signal.Set();
    }

    /// <summary>Removes a feed added with <see cref="AttachFeed"/>.</summary>
    public void DetachFeed(Subscriber subscriber)
    {
        lock (_gate)
        {
            _feeds.RemoveAll(f => ReferenceEquals(f.Subscriber, subscriber));
        }
    }

    /// <summary>Registers something to dispose when the connection ends (e.g. a replay session).</summary>
    public void Own(IAsyncDisposable session)
    {
        lock (_gate)
        {
            _ownedSessions.Add(session);
        }
    }

    /// <summary>Forgets an owned session (it ended by itself).</summary>
    public void Disown(IAsyncDisposable session)
    {
        lock (_gate)
        {
            _ownedSessions.Remove(session);
        }
    }

    private async Task DisposeOwnedAsync()
    {
        IAsyncDisposable[] owned;
        lock (_gate)
        {
            owned = [.. _ownedSessions];
            _ownedSessions.Clear();
        }

        foreach (var session in owned)
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void NotifyFrameSent()
    {
        // Called on the sender after each frame; a plain loop, no allocation.
        lock (_gate)
        {
            foreach (AttachedFeed feed in _feeds)
            {
                feed.FrameSent?.Set();
            }
        }
    }

    private readonly record struct AttachedFeed(Subscriber Subscriber, int SymbolIdOffset, SenderSignal? FrameSent, BarSubscriptions? Bars);
}
