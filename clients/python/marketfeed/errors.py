"""Errors and the documented error/close codes (docs/protocol.md sections 8 and 9)."""
from __future__ import annotations


class ErrorCode:
    """Error codes of the error message (kind 5)."""

    BAD_REQUEST = 400
    FORBIDDEN = 403
    UNKNOWN_SYMBOL = 404
    UNKNOWN_OP = 405
    CONFLICT = 409
    UNKNOWN_DATASET = 410
    TOO_LARGE = 413
    LIMIT_EXCEEDED = 422
    RATE_LIMITED = 429
    INTERNAL = 500


class CloseCode:
    """WebSocket close codes the server sends."""

    NORMAL = 1000
    GOING_AWAY = 1001
    UNSUPPORTED_DATA = 1003
    POLICY_VIOLATION = 1008
    MESSAGE_TOO_BIG = 1009
    INTERNAL_ERROR = 1011
    SLOW_CONSUMER_OVERFLOW = 4001
    SLOW_CONSUMER_STALLED = 4002

    #: Closes after which reconnecting would only repeat the mistake (fix the client instead).
    NO_RECONNECT = frozenset({UNSUPPORTED_DATA, POLICY_VIOLATION, MESSAGE_TOO_BIG})


class MarketFeedError(Exception):
    """An error message from the server: ``code`` and ``code_name`` as documented, ``symbol`` or None, and
    ``symbols``: every symbol the error rejects (one 404 lists all unknown symbols of a request; else ``[symbol]``)."""

    def __init__(self, code: int, code_name: str, message: str, symbol: str | None = None, request_id: int = 0,
                 symbols: list[str] | None = None):
        super().__init__(f"{code} {code_name}: {message}" + (f" ({symbol})" if symbol else ""))
        self.code = code
        self.code_name = code_name
        self.message = message
        self.symbol = symbol
        self.request_id = request_id
        self.symbols = list(symbols) if symbols is not None else ([symbol] if symbol else [])


class MarketFeedConnectionError(Exception):
    """Cannot connect, or the connection was lost while a request waited for its reply."""

    def __init__(self, message: str, close_code: int | None = None, reason: str = ""):
        super().__init__(message)
        self.close_code = close_code
        self.reason = reason
