"""Tiles on disk for :mod:`tourbuilder.tiles`, least recently used first out.

Each tile is two files under the cache folder, ``{z}/{x}/{y}.tile`` (the picture) and
``{z}/{x}/{y}.json`` (content type, ETag, expiry), written under temporary names and then
renamed, so a reader never sees half a tile. The names are built from integers only.

An in-memory index (key -> bytes, in order of use) keeps the total under ``max_bytes``;
it is built from the folder on first use, oldest first by the time a tile was last
served (the ``.json`` file's mtime, touched on each hit), so the order survives restarts.
Each process keeps its own index: with several processes sharing a folder, the limit
holds per process between restarts.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from pathlib import Path

Key = tuple[int, int, int]


class TileStore:
    def __init__(self, directory: str | Path, max_bytes: int):
        self.root = Path(directory)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._index: OrderedDict[Key, int] | None = None
        self._total = 0

    def _paths(self, key: Key) -> tuple[Path, Path]:
        z, x, y = (int(v) for v in key)
        folder = self.root / str(z) / str(x)
        return folder / f"{y}.tile", folder / f"{y}.json"

    def cached_size(self, key: Key) -> int | None:
        """The size of a kept tile's picture, None when it is not kept (estimates)."""
        try:
            return self._paths(key)[0].stat().st_size
        except OSError:
            return None

    @property
    def total_bytes(self) -> int:
        with self._lock:
            self._ensure_index()
            return self._total

    def _ensure_index(self) -> None:
        """Build the index from the folder (called with the lock held)."""
        if self._index is not None:
            return
        found = []
        for meta in self.root.glob("*/*/*.json"):
            try:
                key = tuple(int(p) for p in (meta.parent.parent.name, meta.parent.name, meta.stem))
                data = meta.with_suffix(".tile")
                size = meta.stat().st_size + data.stat().st_size
                found.append((meta.stat().st_mtime, key, size))
            except (ValueError, OSError):
                continue  # not ours, or half-removed
        self._index = OrderedDict()
        self._total = 0
        for _mtime, key, size in sorted(found):
            self._index[key] = size
            self._total += size
        self._evict()

    def get(self, key: Key) -> tuple[bytes, dict] | None:
        """The stored picture and its facts, or None; a hit counts as a use."""
        data_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text())
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if len(data) != meta.get("size"):
            return None  # caught between the two renames of a rewrite
        with self._lock:
            self._ensure_index()
            if key in self._index:
                self._index.move_to_end(key)
        try:
            os.utime(meta_path)
        except OSError:
            pass
        return data, meta

    def put(self, key: Key, data: bytes, meta: dict) -> None:
        """Store a tile (replacing any), then evict the least recently used past the limit.
        A tile larger than the whole cache is not stored."""
        meta = {**meta, "size": len(data)}
        encoded = json.dumps(meta).encode()
        size = len(data) + len(encoded)
        if size > self.max_bytes:
            return
        data_path, meta_path = self._paths(key)
        suffix = f".{os.getpid()}.{threading.get_ident()}.tmp"
        # Written under the lock (a small tile takes microseconds), so eviction never
        # removes a tile between its files landing and the index counting them.
        with self._lock:
            self._ensure_index()
            data_path.parent.mkdir(parents=True, exist_ok=True)
            for path, content in ((data_path, data), (meta_path, encoded)):
                temporary = path.with_name(path.name + suffix)
                temporary.write_bytes(content)
                os.replace(temporary, path)
            self._total += size - self._index.pop(key, 0)
            self._index[key] = size
            self._evict()

    def _evict(self) -> None:
        """Remove least recently used tiles until under the limit (lock held)."""
        while self._total > self.max_bytes and self._index:
            key, size = self._index.popitem(last=False)
            self._total -= size
            for path in self._paths(key):
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
