"""The durable hand-off between a crawl and its store: an append-only spool file (an outbox).

An item counts as handed over once its record is in the spool and the file is fsynced; the
store writer (``harvester.db.writer``) then writes it to the database and notes, in the same
transaction, the sequence number it reached (``spool_marks``). A record is therefore written
to the database exactly once, whatever is killed when:

* a record whose append was not fsynced was not acknowledged to the crawl: its URL is still
  pending in ``url_state`` and is fetched again by the next run;
* a record fsynced but not committed is replayed from the spool by the next run of any site
  on the same database, before it crawls (``abandoned_spools``);
* a record committed is skipped on replay (its sequence number is at most the mark).

File format: a sequence of frames ``length (4 bytes) | CRC-32 (4 bytes) | payload``; a torn
last frame (a kill in the middle of an append) is ignored. Payloads are pickles restricted to
the harvester's own record types (``_SpoolUnpickler``): a spool file is a private file of the
user running the crawl (mode 0600), and even so it cannot name any other class.

Each spool file is locked (``flock``) by the process writing it; the lock goes away with the
process, so a file nobody holds is abandoned and may be replayed.
"""

from __future__ import annotations

import fcntl
import io
import logging
import os
import pickle
import struct
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
_HEADER = struct.Struct(">II")
SUFFIX = ".spool"
MAX_RECORD = 256 * 1024 * 1024

#: Modules whose classes a spool record may contain.
_ALLOWED_MODULES = (
    "harvester.db.",
    "harvester.extraction.model",
    "harvester.minhash",
    "harvester.spool",
    "datetime",
    "builtins",
    "collections",
    "dateutil.tz",  # time zones of parsed dates
    "zoneinfo",
)
_ALLOWED_BUILTINS = frozenset({"set", "frozenset", "dict", "list", "tuple", "bytes", "bytearray", "str", "int", "float",
                               "bool", "complex", "getattr"})


class SpoolError(RuntimeError):
    """The spool cannot be written (disk full, read-only, removed): items are not durable."""


class _SpoolUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name not in _ALLOWED_BUILTINS:
            raise pickle.UnpicklingError(f"spool record names a forbidden builtin: {name}")
        if not module.startswith(_ALLOWED_MODULES):
            raise pickle.UnpicklingError(f"spool record names a foreign class: {module}.{name}")
        return super().find_class(module, name)


def encode(record: Any) -> bytes:
    payload = pickle.dumps(record, protocol=5)
    return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def decode(payload: bytes) -> Any:
    return _SpoolUnpickler(io.BytesIO(payload)).load()


@dataclass(frozen=True)
class SpoolRecord:
    seq: int
    record: Any


class Spool:
    """One process's spool file: append and fsync; read back for replay."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.stem
        self._file: Any = None
        self.next_seq = 1

    @classmethod
    def create(cls, directory: Path, prefix: str) -> Spool:
        directory.mkdir(parents=True, exist_ok=True)
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in prefix)
        spool = cls(directory / f"{safe}-{os.getpid()}-{uuid.uuid4().hex[:12]}{SUFFIX}")
        spool.open()
        return spool

    def open(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        self._file = os.fdopen(fd, "ab", buffering=0)
        fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.next_seq = 1 + sum(1 for _ in read_records(self.path))

    def append(self, records: list[Any]) -> list[int]:
        """Write ``records`` and fsync; their sequence numbers. Raises ``SpoolError``."""
        if self._file is None:
            raise SpoolError(f"spool {self.path} is closed")
        frames = b"".join(encode(record) for record in records)
        try:
            self._file.write(frames)
            os.fsync(self._file.fileno())
        except OSError as exc:
            raise SpoolError(f"cannot write the spool {self.path}: {exc.strerror or exc}") from exc
        first = self.next_seq
        self.next_seq += len(records)
        return list(range(first, self.next_seq))

    def close(self, *, remove: bool) -> None:
        if self._file is not None:
            if remove:
                self.path.unlink(missing_ok=True)
            self._file.close()  # releases the lock
            self._file = None


def read_records(path: Path) -> Iterator[SpoolRecord]:
    """The records of a spool file in order, stopping at a torn or corrupt frame (the tail of an
    append cut short by a kill). A whole frame that cannot be decoded is skipped, and logged."""
    with open(path, "rb") as file:
        data = file.read()
    offset, seq = 0, 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        payload = data[start:start + length]
        if length > MAX_RECORD or len(payload) < length or zlib.crc32(payload) != crc:
            return
        seq += 1
        offset = start + length
        try:
            record = decode(payload)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError) as exc:
            log.error("spool %s: record %d cannot be read and is skipped: %s", path.name, seq, exc)
            continue
        yield SpoolRecord(seq, record)


def spool_files(directory: Path) -> list[Path]:
    """The spool files in ``directory`` (those still held by a live writer are skipped on replay)."""
    return sorted(directory.glob(f"*{SUFFIX}")) if directory.is_dir() else []
