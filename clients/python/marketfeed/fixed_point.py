"""Fixed-point helpers: the wire carries integers and a per-symbol scale (docs/protocol.md section 3)."""
from __future__ import annotations

from decimal import Decimal


def to_decimal(value: int | None, decimals: int) -> Decimal | None:
    """The exact decimal value of a fixed-point integer: ``to_decimal(1815200, 4) == Decimal("181.5200")``."""
    if value is None:
        return None
    return Decimal(value).scaleb(-decimals)


def from_decimal(value: Decimal | str | int, decimals: int) -> int:
    """The fixed-point integer of a decimal value; raises ValueError if it does not fit the scale exactly."""
    d = Decimal(value).scaleb(decimals)
    if d != d.to_integral_value():
        raise ValueError(f"{value} has more than {decimals} decimals")
    return int(d)


def format_ns(ns: int) -> str:
    """ISO-8601 UTC text with all nine fractional digits, e.g. ``2024-06-03T13:30:00.138000000Z``."""
    import datetime as _dt

    seconds, frac = divmod(ns, 1_000_000_000)
    base = _dt.datetime.fromtimestamp(seconds, tz=_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{base}.{frac:09d}Z"


def to_ns(value) -> int | str | None:
    """A time for a request: int ns pass through, ISO text is left to the server, datetime and pandas Timestamp
    become exact ns since the epoch (a naive datetime is taken as UTC)."""
    import datetime as _dt

    if value is None or isinstance(value, (int, str)):
        return value
    if hasattr(value, "value") and hasattr(value, "tz_localize"):  # pandas.Timestamp: .value is ns (UTC if aware)
        return int(value.value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.timezone.utc)
        delta = value - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
        return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1_000
    raise TypeError(f"not a time: {value!r} (int ns, ISO-8601 text, datetime or pandas.Timestamp)")
