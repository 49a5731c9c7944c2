"""MinHash signatures of article bodies: the fingerprint that near-duplicate detection compares.

Each body becomes a set of five-word shingles (lower-cased words), summarised by a MinHash
signature of ``NUM_PERM`` values (fixed seed, so signatures from different runs compare). This
module is pure (numpy and hashlib): the extraction workers compute an article's signature next to
its extraction (``fingerprint_body``), and the store (``harvester.db.neardup``) uses it for that
very body, or computes it itself for any other (a body changed in between, a re-extraction).
Signatures travel and are compared encoded (bytes): numpy is imported only where one is computed,
so a crawling process whose workers sign every body never pays for importing it.

Only the words count: the store's normalisation (NBSP to space, trimmed paragraphs, empty ones
dropped) never changes a body's word sequence, so a signature of the paragraphs as extracted is
the signature of the body as stored.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
SEED = 20251123
SHINGLE_WORDS = 5

_WORD = re.compile(r"\w+", re.UNICODE)
_EMPTY = 0xFFFFFFFF
_CHUNK = 4096
"""Shingles permuted at a time: a 2 MiB array, where a whole 10 MB page at once would take gigabytes."""
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
"""MurmurHash3's 32-bit finalizer: shift, multiplier, shift, multiplier, shift."""


def shingles(text: str) -> set[bytes]:
    """The overlapping five-word sequences of ``text`` (the whole text when shorter)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8")
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The ``NUM_PERM`` affine permutations ``h -> a*h + b mod 2**32`` (``a`` odd: a bijection),
    drawn from numpy's legacy generator with ``SEED``."""
    import numpy as np

    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def signature(text: str) -> np.ndarray:
    """The MinHash signature of ``text``'s shingles: ``NUM_PERM`` uint32 values.

    The values are bit for bit those of datasketch 2's ``MinHash(num_perm=128, seed=SEED,
    scheme="affine32")`` (SHA-1's first four bytes per shingle, MurmurHash3's finalizer, then the
    permutations; tests/test_neardup.py compares the two), so signatures stored by earlier versions
    still compare. It is computed here because importing datasketch imports scipy (its LSH module
    needs scipy.integrate): about a second of CPU for every process that stores an article."""
    import numpy as np

    found = shingles(text)
    if not found:
        return np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    # SHA-1's first four bytes of each shingle, read as little-endian uint32 all at once
    digests = b"".join([hashlib.sha1(s).digest()[:4] for s in found])
    hashes = np.frombuffer(digests, dtype="<u4").astype(np.uint32).reshape(-1, 1)
    s1, m1, s2, m2, s3 = (np.uint32(v) for v in _FMIX32)
    hashes = hashes ^ (hashes >> s1)  # a copy: the buffer read above is not writable
    hashes *= m1  # in place from here: no temporary array per step
    hashes ^= hashes >> s2
    hashes *= m2
    hashes ^= hashes >> s3
    a, b = _permutations()
    minhash = np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    for start in range(0, len(hashes), _CHUNK):  # bounded memory, whatever the body's length
        permuted = hashes[start : start + _CHUNK] * a  # (chunk x NUM_PERM), wrapping mod 2**32 as uint32 does
        permuted += b
        np.minimum(minhash, permuted.min(axis=0), out=minhash)
    return minhash


def encode(minhash: np.ndarray) -> bytes:
    """The signature as bytes (four bytes per value, little-endian)."""
    return minhash.astype("<u4").tobytes()


def signature_bytes(text: str) -> bytes:
    """``text``'s signature, encoded."""
    return encode(signature(text))


_LOW_BITS = int.from_bytes(b"\xff\xff\xff\x7f" * NUM_PERM, "little")
_HIGH_BITS = int.from_bytes(b"\x00\x00\x00\x80" * NUM_PERM, "little")


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two encoded signatures: the share of equal values.

    Without numpy, as fast as numpy (about 1.7 us): the signatures are XORed as two integers of
    ``NUM_PERM`` 32-bit lanes, and a lane is non-zero exactly when the high bit of
    ``((lane & 0x7FFFFFFF) + 0x7FFFFFFF) | lane`` is set (the sum never carries into the next lane)."""
    if len(a) != 4 * NUM_PERM or len(b) != 4 * NUM_PERM:
        raise ValueError(f"a signature is {4 * NUM_PERM} bytes, not {len(a)} and {len(b)}")
    x = int.from_bytes(a, "little") ^ int.from_bytes(b, "little")
    different = ((((x & _LOW_BITS) + _LOW_BITS) | x) & _HIGH_BITS).bit_count()
    return (NUM_PERM - different) / NUM_PERM


@dataclass(frozen=True)
class BodyFingerprint:
    """An article body's encoded signature and a digest of the paragraphs it was computed from."""

    body_digest: bytes
    minhash: bytes


def body_digest(paragraphs: Sequence[str]) -> bytes:
    """A digest of the paragraphs (in order, each one delimited): which body a fingerprint is of."""
    digest = hashlib.blake2b(digest_size=16)
    for paragraph in paragraphs:
        digest.update(paragraph.encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.digest()


def fingerprint_body(paragraphs: Sequence[str]) -> BodyFingerprint:
    """The fingerprint of a body given as paragraphs (an ``Article.body``)."""
    return BodyFingerprint(body_digest(paragraphs), signature_bytes("\n\n".join(paragraphs)))


def body_signature(paragraphs: Sequence[str], text: str, fingerprint: BodyFingerprint | None) -> bytes:
    """The encoded signature of ``text``, the stored form of ``paragraphs``: the fingerprint's when
    it was computed from these very paragraphs, else computed here."""
    if fingerprint is not None and fingerprint.body_digest == body_digest(paragraphs):
        return fingerprint.minhash
    return signature_bytes(text)
