"""What a page computes, remembered by the worker for the data version it was computed from.

The key always holds the data version (ekinerja.bsc.rollups.data_version, which every commit that
changes what such pages show moves, on any host), so a remembered value is never stale: after a
change the key is new and the value is computed again. Nothing here is needed by another worker or
host; each keeps its own entries (least recently used out first, within a count and a size), and a
restart only costs one computation per page.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")
ENTRIES = 4096              # the menu counts of the users active, a few pages per year and month
BYTES = 48 * 1024 * 1024    # a worker's budget for remembered pages (a dashboard is about 300 KB)

_values: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
_size = 0
_lock = threading.Lock()


def _weight(value: object) -> int:
    if isinstance(value, (str, bytes)):
        return len(value) + 100
    if isinstance(value, tuple):
        return sum(_weight(v) for v in value)
    return 200


def remembered(key: Hashable, build: Callable[[], T]) -> T:
    global _size
    with _lock:
        if key in _values:
            _values.move_to_end(key)
            return _values[key][0]  # type: ignore[return-value]
    value = build()
    weight = _weight(value)
    with _lock:
        if key not in _values:
            _values[key] = (value, weight)
            _size += weight
        while _values and (len(_values) > ENTRIES or _size > BYTES):
            _, (_, w) = _values.popitem(last=False)
            _size -= w
    return value


def forget() -> None:
    global _size
    with _lock:
        _values.clear()
        _size = 0
