"""What a page computes, remembered by the worker for the data version it was computed from.

The key always holds the data version (ekinerja.bsc.rollups.data_version, which every commit that
changes what such pages show moves, on any host), so a remembered value is never stale: after a
change the key is new and the value is computed again. Nothing here is needed by another worker or
host; each keeps its own few entries (least recently used out first), and a restart only costs one
computation per page.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

T = TypeVar("T")
SIZE = 128

_values: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def remembered(key: Hashable, build: Callable[[], T]) -> T:
    with _lock:
        if key in _values:
            _values.move_to_end(key)
            return _values[key]  # type: ignore[return-value]
    value = build()
    with _lock:
        _values[key] = value
        while len(_values) > SIZE:
            _values.popitem(last=False)
    return value


def forget() -> None:
    with _lock:
        _values.clear()
