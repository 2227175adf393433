"""The client's message stream: a bounded FIFO for one event loop, cheaper per item than asyncio.Queue (it is used
once per tick)."""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class MessageStream:
    """Bounded FIFO. ``put_nowait`` never blocks (the caller checks :meth:`full` first and awaits :meth:`put`
    otherwise); ``get`` waits for an item. Single event loop; any number of getters and putters."""

    __slots__ = ("_items", "_capacity", "_readable", "_writable")

    def __init__(self, capacity: int):
        self._items: deque = deque()
        self._capacity = max(1, capacity)
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()

    def full(self) -> bool:
        return len(self._items) >= self._capacity

    def qsize(self) -> int:
        return len(self._items)

    def put_nowait(self, item: Any) -> None:
        """Appends even past the capacity (client events must never be lost); readers are woken."""
        self._items.append(item)
        if len(self._items) >= self._capacity:
            self._writable.clear()
        self._readable.set()

    async def put(self, item: Any) -> None:
        """Waits for room, then appends."""
        while len(self._items) >= self._capacity:
            await self._writable.wait()
        self.put_nowait(item)

    def get_nowait(self) -> Any:
        item = self._items.popleft()  # IndexError when empty
        if not self._items:
            self._readable.clear()
        if len(self._items) < self._capacity:
            self._writable.set()
        return item

    async def get(self) -> Any:
        while not self._items:
            await self._readable.wait()
        return self.get_nowait()
