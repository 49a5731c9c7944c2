"""Near-duplicate clusters: MinHash signatures of article bodies, banded for candidate lookup.

Each article body is summarised by a MinHash signature (``harvester.minhash``: five-word
shingles, fixed seed, so signatures from different runs compare), handled encoded (bytes). The
signature is cut into ``BANDS`` bands of ``ROWS`` values; articles that share a band's bucket are
candidates, and a candidate whose estimated Jaccard similarity reaches ``THRESHOLD`` is a
near-duplicate. The buckets live in SQL (``article_signature_bands``), so finding candidates is an
indexed join, not a scan of every signature.

``articles.cluster_id`` is the id of the first article of the cluster; an article with no
near-duplicate has its own id. Clusters that a new article links are merged. When an
article's body changes it is fingerprinted again; if it headed a cluster, the next member
heads what remains.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import BindParameter, Select, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from harvester.db.tables import ARTICLES, SIGNATURE_BANDS, SIGNATURES
from harvester.minhash import NUM_PERM, signature_bytes, similarity

BANDS = 32
ROWS = NUM_PERM // BANDS
#: Estimated Jaccard similarity of the shingle sets at or above which two bodies are one story.
THRESHOLD = 0.5


def band_buckets(encoded: bytes) -> list[tuple[int, str]]:
    """(band, bucket) pairs: a short digest of each band's slice of the (encoded) signature."""
    width = 4 * ROWS  # four bytes a value
    return [(band, hashlib.sha1(encoded[band * width : (band + 1) * width]).hexdigest()[:16]) for band in range(BANDS)]


def assign_cluster(
    conn: Connection, article_id: int, body_text: str, *, new: bool = False, minhash: bytes | None = None
) -> int:
    """Fingerprint the article, find its near-duplicates, and set (and merge) cluster ids.

    ``new``: the article was inserted in this transaction, so it heads no cluster and has no
    signature yet (three statements fewer). ``minhash``: the body's encoded signature when it is
    known already (computed by the extraction worker). Returns the article's cluster id.
    """
    if not new:
        _leave_cluster(conn, article_id)
    encoded = minhash if minhash is not None else signature_bytes(body_text)
    _replace_signature(conn, article_id, encoded, band_buckets(encoded), new=new)
    # the clusters of the near-duplicates (an article not clustered yet counts as its own)
    clusters = {
        other if cluster is None else cluster
        for other, other_encoded, cluster in _candidates(conn, article_id)
        if similarity(encoded, other_encoded) >= THRESHOLD
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
