"""Uploaded files, in a directory every host shares (EKINERJA_STORAGE_PATH: an NFS or object-store
mount in production). Files get random names; the database keeps what they were called."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app


def root() -> Path:
    return Path(current_app.config["STORAGE_PATH"])


def path_of(key: str) -> Path:
    """The file of a key, refusing anything that would leave the storage directory."""
    base = root().resolve()
    path = (base / key).resolve()
    if base not in path.parents:
        raise ValueError("storage key outside the storage directory")
    return path


def save(data: bytes, kind: str) -> str:
    """Write the bytes under a new random key (kind/xx/random) and return the key. The file is
    written beside its final name and renamed, so no reader ever sees half a file."""
    token = secrets.token_urlsafe(24)
    key = f"{kind}/{token[:2]}/{token}"
    path = path_of(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return key


def read(key: str) -> bytes:
    return path_of(key).read_bytes()


def delete(key: str) -> None:
    try:
        path_of(key).unlink()
    except FileNotFoundError:
        pass
