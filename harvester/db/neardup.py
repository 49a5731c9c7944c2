"""Near-duplicate clusters: MinHash signatures of article bodies, banded for candidate lookup.

Each article body becomes a set of five-word shingles (lower-cased words), summarised by a
MinHash signature (fixed seed, so signatures from different runs compare). The
signature is cut into ``BANDS`` bands of ``ROWS`` values; articles that share a band's bucket
are candidates, and a candidate whose estimated Jaccard similarity reaches ``THRESHOLD`` is a
near-duplicate. The buckets live in SQL (``article_signature_bands``), so finding candidates
is an indexed join, not a scan of every signature.

``articles.cluster_id`` is the id of the first article of the cluster; an article with no
near-duplicate has its own id. Clusters that a new article links are merged. When an
article's body changes it is fingerprinted again; if it headed a cluster, the next member
heads what remains.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable

import numpy as np
from sqlalchemy import BindParameter, Select, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from harvester.db.tables import ARTICLES, SIGNATURE_BANDS, SIGNATURES

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 20251123
SHINGLE_WORDS = 5
#: Estimated Jaccard similarity of the shingle sets at or above which two bodies are one story.
THRESHOLD = 0.5

_WORD = re.compile(r"\w+", re.UNICODE)
_EMPTY = np.uint32(0xFFFFFFFF)
# MurmurHash3's 32-bit finalizer: shift, multiplier, shift, multiplier, shift.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


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
    found = shingles(text)
    if not found:
        return np.full(NUM_PERM, _EMPTY, dtype=np.uint32)
    # SHA-1's first four bytes of each shingle, read as little-endian uint32 all at once
    digests = b"".join([hashlib.sha1(s).digest()[:4] for s in found])
    hashes = np.frombuffer(digests, dtype="<u4").astype(np.uint32).reshape(-1, 1)
    s1, m1, s2, m2, s3 = _FMIX32
    hashes = hashes ^ (hashes >> s1)  # a copy: the buffer read above is not writable
    hashes *= m1  # in place from here: no temporary array per step
    hashes ^= hashes >> s2
    hashes *= m2
    hashes ^= hashes >> s3
    a, b = _permutations()
    permuted = hashes * a  # one (shingles x NUM_PERM) array, wrapping mod 2**32 as uint32 does
    permuted += b
    return permuted.min(axis=0)  # type: ignore[no-any-return]


def encode(minhash: np.ndarray) -> bytes:
    """The signature as bytes (four bytes per value, little-endian)."""
    return minhash.astype("<u4").tobytes()


def decode(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4")


def band_buckets(minhash: np.ndarray) -> list[tuple[int, str]]:
    """(band, bucket) pairs: a short digest of each band's slice of the signature."""
    values = minhash.astype("<u4")
    return [
        (band, hashlib.sha1(values[band * ROWS : (band + 1) * ROWS].tobytes()).hexdigest()[:16])
        for band in range(BANDS)
    ]


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two encoded signatures: the share of equal values."""
    return _similarity(decode(a), decode(b))


def _similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM


def assign_cluster(conn: Connection, article_id: int, body_text: str, *, new: bool = False) -> int:
    """Fingerprint the article, find its near-duplicates, and set (and merge) cluster ids.

    ``new``: the article was inserted in this transaction, so it heads no cluster and has no
    signature yet (three statements fewer). Returns the article's cluster id.
    """
    if not new:
        _leave_cluster(conn, article_id)
    minhash = signature(body_text)
    encoded = encode(minhash)
    _replace_signature(conn, article_id, encoded, band_buckets(minhash), new=new)
    # the clusters of the near-duplicates (an article not clustered yet counts as its own)
    clusters = {
        other if cluster is None else cluster
        for other, other_encoded, cluster in _candidates(conn, article_id)
        if _similarity(minhash, decode(other_encoded)) >= THRESHOLD
    }
    if not clusters:
        conn.execute(_SET_OWN_CLUSTER, {"b_id": article_id, "cluster_id": article_id})
        return article_id
    target = min(clusters)
    conn.execute(_MERGE_CLUSTERS, {"b_id": article_id, "b_clusters": sorted(clusters), "cluster_id": target})
    return target


def _leave_cluster(conn: Connection, article_id: int) -> None:
    """Before re-fingerprinting: if the article heads a cluster, its next member heads the rest."""
    others = list(conn.execute(_CLUSTER_MEMBERS, {"b_id": article_id}).scalars())
    if others:
        conn.execute(_SET_CLUSTER_OF, {"b_ids": others, "cluster_id": others[0]})


def _replace_signature(
    conn: Connection, article_id: int, encoded: bytes, buckets: Iterable[tuple[int, str]], *, new: bool = False
) -> None:
    if not new:
        conn.execute(_DELETE_BANDS, {"b_id": article_id})
        conn.execute(_DELETE_SIGNATURE, {"b_id": article_id})
    conn.execute(_INSERT_SIGNATURE, {"article_id": article_id, "minhash": encoded})
    conn.execute(
        _INSERT_BANDS,
        [{"article_id": article_id, "band": band, "bucket": bucket} for band, bucket in buckets],
    )


def _candidates(conn: Connection, article_id: int) -> list[tuple[int, bytes, int | None]]:
    """The articles sharing a band bucket with ``article_id``: id, encoded signature, cluster id."""
    return [
        (row.article_id, bytes(row.minhash), row.cluster_id) for row in conn.execute(_CANDIDATES, {"b_id": article_id})
    ]


# The statements of ``assign_cluster``, built once (it runs for every new or changed article).
def _candidates_statement() -> Select[tuple[int, bytes, int | None]]:
    mine = SIGNATURE_BANDS.alias("mine")
    theirs = SIGNATURE_BANDS.alias("theirs")
    article: BindParameter[int] = bindparam("b_id")
    candidate_ids = (
        select(theirs.c.article_id)
        .join(mine, (mine.c.band == theirs.c.band) & (mine.c.bucket == theirs.c.bucket))
        .where(mine.c.article_id == article, theirs.c.article_id != article)
        .distinct()
    )
    return (
        select(SIGNATURES.c.article_id, SIGNATURES.c.minhash, ARTICLES.c.cluster_id)
        .join(ARTICLES, ARTICLES.c.id == SIGNATURES.c.article_id)
        .where(SIGNATURES.c.article_id.in_(candidate_ids))
        .order_by(SIGNATURES.c.article_id)
    )


_CANDIDATES = _candidates_statement()
_CLUSTER_MEMBERS = (
    select(ARTICLES.c.id)
    .where(ARTICLES.c.cluster_id == bindparam("b_id"), ARTICLES.c.id != bindparam("b_id"))
    .order_by(ARTICLES.c.id)
)
_SET_OWN_CLUSTER = update(ARTICLES).where(ARTICLES.c.id == bindparam("b_id"))
_SET_CLUSTER_OF = update(ARTICLES).where(ARTICLES.c.id.in_(bindparam("b_ids", expanding=True)))
_MERGE_CLUSTERS = update(ARTICLES).where(
    (ARTICLES.c.id == bindparam("b_id")) | ARTICLES.c.cluster_id.in_(bindparam("b_clusters", expanding=True))
)
_DELETE_BANDS = delete(SIGNATURE_BANDS).where(SIGNATURE_BANDS.c.article_id == bindparam("b_id"))
_DELETE_SIGNATURE = delete(SIGNATURES).where(SIGNATURES.c.article_id == bindparam("b_id"))
_INSERT_SIGNATURE = SIGNATURES.insert()
_INSERT_BANDS = SIGNATURE_BANDS.insert()
