"""Per-symbol sequence checks (docs/protocol.md section 7)."""
from __future__ import annotations


class SequenceTracker:
    """Tracks one symbol's last sequence numbers.

    Full mode: the next quote/trade has ``seq == last + 1`` (from the snapshot's ``seq``); anything larger is a gap,
    anything not larger is stale. Conflated mode: jumps are expected (counted in ``skipped``); staleness is judged per
    kind, because a frame may carry the latest trade after a newer quote.
    """

    __slots__ = ("mode", "last_seq", "last_quote_seq", "last_trade_seq", "skipped", "gaps")

    def __init__(self, mode: str):
        self.mode = mode
        self.last_seq = 0
        self.last_quote_seq = 0
        self.last_trade_seq = 0
        self.skipped = 0  # conflated: ticks stood for by later ones
        self.gaps = 0  # full: protocol violations seen

    def reset(self, seq: int, quote_seq: int, trade_seq: int) -> None:
        self.last_seq, self.last_quote_seq, self.last_trade_seq = seq, quote_seq, trade_seq

    def observe(self, is_quote: bool, seq: int) -> tuple[bool, int]:
        """Returns ``(accept, expected)``: accept is False for a stale update; in full mode ``seq != expected`` on an
        accepted update is a gap (the caller reports it)."""
        expected = self.last_seq + 1
        if self.mode == "full":
            if self.last_seq != 0 and seq <= self.last_seq:
                return False, expected
            if self.last_seq != 0 and seq != expected:
                self.gaps += 1
            self._record(is_quote, seq)
            return True, expected
        if seq <= (self.last_quote_seq if is_quote else self.last_trade_seq):
            return False, expected
        if self.last_seq != 0 and seq > expected:
            self.skipped += seq - expected
        self._record(is_quote, seq)
        return True, expected

    def _record(self, is_quote: bool, seq: int) -> None:
        if seq > self.last_seq:
            self.last_seq = seq
        if is_quote:
            self.last_quote_seq = seq
        else:
            self.last_trade_seq = seq
