using MarketFeed.Protocol;

namespace MarketFeed.Gateway.Connections;

/// <summary>Serves replay requests and the dataset catalog for connections.</summary>
internal interface IReplayHandler
{
    /// <summary>Datasets available for replay.</summary>
    IReadOnlyList<CatalogEntry> Catalog();

    /// <summary>Handles a replay or replay.* request for a connection (replies through the connection).</summary>
    void Handle(ControlRequest request, Connection connection);
}
