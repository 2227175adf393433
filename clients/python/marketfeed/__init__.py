"""MarketFeed Python client: asyncio WebSocket client (docs/protocol.md) and pandas DataFrames.

    import asyncio, marketfeed
    async def main():
        async with marketfeed.MarketFeedClient("ws://127.0.0.1:5080/ws/v1") as client:
            await client.subscribe(["AAPL"], mode="full")
            async for m in client:
                if isinstance(m, marketfeed.Trade):
                    print(m.symbol, m.price_decimal, m.size_decimal)
    asyncio.run(main())
"""
from .client import DEFAULT_URL, SUBPROTOCOL, MarketFeedClient
from .errors import CloseCode, ErrorCode, MarketFeedConnectionError, MarketFeedError
from .fixed_point import format_ns, from_decimal, to_decimal, to_ns
from .messages import (
    Bar, Bars, Catalog, CatalogEntry, Disconnected, ErrorMessage, Heartbeat, Pong, Quote, Reconnected, ReplayEnd, ReplayStart,
    Resumed,
    ReplayStatus, SequenceGap, Snapshot, Status, SubscribeAck, SymbolInfo, SymbolRef, Trade, UnknownMessage,
    UnsubscribeAck,
)
from .sequence import SequenceTracker


def __getattr__(name):
    # pandas is optional: import the DataFrame helpers on first use.
    if name in ("replay_to_dataframe", "capture_to_dataframe", "ticks_to_dataframe", "scale_values", "bars_to_dataframe"):
        from . import dataframe

        return getattr(dataframe, name)
    raise AttributeError(name)


__version__ = "0.1.0"
__all__ = [
    "DEFAULT_URL", "SUBPROTOCOL", "MarketFeedClient", "CloseCode", "ErrorCode", "MarketFeedConnectionError",
    "MarketFeedError", "format_ns", "from_decimal", "to_decimal", "to_ns", "Bar", "Bars", "Catalog", "CatalogEntry", "Disconnected",
    "ErrorMessage", "Heartbeat", "Pong", "Quote", "Reconnected", "ReplayEnd", "ReplayStart", "ReplayStatus", "Resumed",
    "SequenceGap", "Snapshot", "Status", "SubscribeAck", "SymbolInfo", "SymbolRef", "Trade", "UnknownMessage",
    "UnsubscribeAck", "SequenceTracker", "replay_to_dataframe", "capture_to_dataframe", "ticks_to_dataframe",
    "scale_values", "bars_to_dataframe",
]
