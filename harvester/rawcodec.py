"""How a page's bytes are compressed for the raw archive (``raw_pages``).

One place for both sides: the extraction workers compress each page as they extract it
(``harvester.workers``), and the store compresses whatever reaches it uncompressed and reads the
archive back (``harvester.db.rawpages``). No database import here: the workers load this module.

Pages are compressed with Zstandard at level 3: on the dev set's pages (330 kB on average) 1.1 ms
a page and 17.4% of its bytes, where zlib at level 3 took 3.8 ms for 21.1% (and level 6, 7 ms for
18.8%); it reads back in half zlib's time. ``raw_pages.compression`` names each page's codec, so
the pages earlier versions archived with zlib (and their spools, replayed later) still read back.
"""

from __future__ import annotations

import zlib

try:  # the standard library's from Python 3.14 (PEP 784), its backport before
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the Python version
    from backports import zstd  # type: ignore[import-not-found,no-redef]

COMPRESSION = "zstd"
"""The ``raw_pages.compression`` value of what ``compress`` makes."""
LEVEL = 3
ZLIB = "zlib"
"""The codec of the pages archived by earlier versions."""


def compress(body: bytes) -> bytes:
    return zstd.compress(body, level=LEVEL)


def decompress(data: bytes, compression: str) -> bytes:
    if compression == COMPRESSION:
        return zstd.decompress(data)
    if compression == ZLIB:
        return zlib.decompress(data)
    raise ValueError(f"unknown raw page compression {compression!r}")
