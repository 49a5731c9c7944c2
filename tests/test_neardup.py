"""Near-duplicate clusters across sites, from the mirror articles, on real databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from harvester.db import ArticleStore
from harvester.db.neardup import THRESHOLD
from harvester.db.testing import backends
from harvester.minhash import NUM_PERM, BodyFingerprint, body_signature, encode, fingerprint_body, signature, similarity
from tests.goldens import SITES, Golden, mirror_goldens
from tests.stores import fresh_store, rows, save_golden

AT = datetime(2025, 9, 20, 12, 0, tzinfo=timezone.utc)


def golden(site: str, name: str) -> Golden:
    return next(g for g in mirror_goldens(site) if g.name == name)


SYNDICATED = golden("itpostnews", "syndicated-openai-chatgpt-study")
ORIGINAL = golden("budapestpost", "openai-chatgpt-study")
ALIBABA = [
    golden("worldofsoftware", "seed-alibaba-university-courses"),
    golden("itpostnews", "seed-alibaba-great-firewall"),
    golden("budapestpost", "seed-alibaba-beijing-poverty"),
]
DATA_CENTRES = [golden("itpostnews", "data-centre-heat-reuse"), golden("budapestpost", "data-centre-waste-heat")]


@pytest.fixture(params=backends())
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    with fresh_store(request.param, tmp_path) as store:
        for site in SITES:
            for item in mirror_goldens(site):
                save_golden(store, item, AT)
        yield store


def cluster_of(store: ArticleStore, url: str) -> int:
    ((cluster,),) = rows(store.engine, "SELECT cluster_id FROM articles WHERE url = :url", url=url)
    return int(cluster)


def test_the_syndicated_copy_joins_the_original_s_cluster(store: ArticleStore) -> None:
    assert cluster_of(store, SYNDICATED.url) == cluster_of(store, ORIGINAL.url)
    clusters = rows(
        store.engine,
        "SELECT cluster_id, cluster_size, site, url FROM near_duplicates ORDER BY cluster_id, site",
    )
    assert [(size, site, url) for _, size, site, url in clusters] == [
        (2, "budapestpost", ORIGINAL.url),
        (2, "itpostnews", SYNDICATED.url),
    ]
    # The cluster id is the first stored article of the cluster.
    ((first,),) = rows(store.engine, "SELECT min(id) FROM articles WHERE url IN (:a, :b)", a=ORIGINAL.url, b=SYNDICATED.url)
    assert clusters[0][0] == first


def test_distinct_articles_on_the_same_topic_do_not_cluster(store: ArticleStore) -> None:
    for group in (ALIBABA, DATA_CENTRES):
        clusters = {cluster_of(store, item.url) for item in group}
        assert len(clusters) == len(group), [item.name for item in group]
    singles = rows(store.engine, "SELECT count(*) FROM articles WHERE cluster_id = id")
    total = rows(store.engine, "SELECT count(*) FROM articles")
    assert singles[0][0] == total[0][0] - 1  # only the copy points at another article


def test_similarity_separates_copies_from_same_topic_articles() -> None:
    def sig(item: Golden) -> bytes:
        return encode(signature(item.body_text))

    assert similarity(sig(SYNDICATED), sig(ORIGINAL)) >= 0.95
    pairs = [(a, b) for i, a in enumerate(ALIBABA) for b in ALIBABA[i + 1 :]] + [tuple(DATA_CENTRES)]
    for a, b in pairs:
        assert similarity(sig(a), sig(b)) < THRESHOLD / 2, (a.name, b.name)


def test_similarity_of_encoded_signatures_is_the_share_of_equal_values() -> None:
    """Encoded signatures compare without numpy, value by value (four bytes each)."""
    import random

    rng = random.Random(7)
    a = [rng.getrandbits(32) for _ in range(NUM_PERM)]
    # values that differ in one bit anywhere (the high bit, the low bit), or are 0 against 2**31
    changes = (lambda v: v ^ 1, lambda v: v ^ (1 << 31), lambda v: v ^ (1 << rng.randrange(32)),
               lambda v: 0 if v else 1 << 31, lambda v: v ^ (rng.getrandbits(31) + 1))
    for same in (0, 1, 64, 127, NUM_PERM):
        b = a[:same] + [changes[i % len(changes)](v) for i, v in enumerate(a[same:])]
        assert all(x != y for x, y in zip(a[same:], b[same:]))
        encoded = [b"".join(v.to_bytes(4, "little") for v in values) for values in (a, b)]
        assert similarity(*encoded) == same / NUM_PERM
        shuffled = list(range(NUM_PERM))
        rng.shuffle(shuffled)  # wherever the equal values are
        encoded = [b"".join(values[i].to_bytes(4, "little") for i in shuffled) for values in (a, b)]
        assert similarity(*encoded) == same / NUM_PERM
    with pytest.raises(ValueError):
        similarity(b"\0" * (4 * NUM_PERM), b"\0" * (4 * NUM_PERM - 1))


def test_the_store_and_the_pipelines_do_not_import_numpy() -> None:
    """The crawling process stores what the workers signed: it never pays for numpy's import."""
    import subprocess
    import sys

    code = ("import sys, harvester.pipelines, harvester.db.store, harvester.db.neardup, harvester.workers; "
            "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "False", done.stderr[-2000:]


def test_signatures_are_datasketch_s_affine32_minhash_bit_for_bit() -> None:
    """Stored signatures stay comparable with those written when datasketch computed them."""
    from datasketch import MinHash

    from harvester.minhash import NUM_PERM, SEED, shingles

    texts = [item.body_text for item in (SYNDICATED, ORIGINAL, *ALIBABA, *DATA_CENTRES)]
    texts += ["", "one two", "Ünïcödé wörds, 漢字 と かな, and digits 12345 67890 in one line."]
    for text in texts:
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
        reference.update_batch(list(shingles(text)))
        assert encode(signature(text)) == reference.hashvalues.astype("<u4").tobytes(), text[:40]


def test_a_long_body_is_signed_in_bounded_steps_with_the_same_values() -> None:
    """Bodies of more shingles than one step takes (4,096) still give datasketch's values."""
    import random

    from datasketch import MinHash

    from harvester.minhash import NUM_PERM, SEED, shingles

    rng = random.Random(7)
    text = " ".join(f"w{rng.randrange(3000)}" for _ in range(10_000))
    assert len(shingles(text)) > 2 * 4096
    reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")
    reference.update_batch(list(shingles(text)))
    assert encode(signature(text)) == reference.hashvalues.astype("<u4").tobytes()


def test_a_lightly_edited_copy_still_clusters_and_a_rewritten_one_leaves(store: ArticleStore) -> None:
    paragraphs = list(ORIGINAL.expected["body"])
    edited = [*paragraphs[:-1], "This story was first published by Budapest Post."]
    edited_golden = Golden("itpostnews", "edited", {**SYNDICATED.expected, "body": edited})
    html = _page_with_body(SYNDICATED, edited)
    save_golden(store, edited_golden, AT, html)
    assert cluster_of(store, SYNDICATED.url) == cluster_of(store, ORIGINAL.url)

    rewritten = ["A different story about quantum networking and satellites, in many more words than before."] * 3
    save_golden(store, edited_golden, AT, _page_with_body(SYNDICATED, [f"{p} ({i})" for i, p in enumerate(rewritten)]))
    assert cluster_of(store, SYNDICATED.url) != cluster_of(store, ORIGINAL.url)


def _page_with_body(item: Golden, paragraphs: list[str]) -> bytes:
    from tests.stores import mirror_page

    html = mirror_page(item).decode("utf-8")
    start = html.index('<div class="entry-content">') + len('<div class="entry-content">')
    end = html.index("</div>", start)
    return (html[:start] + "".join(f"<p>{p}</p>" for p in paragraphs) + html[end:]).encode("utf-8")


def test_a_worker_s_fingerprint_is_the_signature_of_the_body_as_stored() -> None:
    """The store normalises paragraphs (NBSP to space, trimmed, empty ones dropped) without
    changing a word, so the signature the extraction worker computed from the paragraphs as
    extracted is used as is; for any other body the store computes the signature itself."""
    from harvester.db.store import article_values
    from harvester.extraction.model import Article

    paragraphs = ["  Budapest\u00a0Post reports that the\u00a0ministry ", "", "signed the deal on Monday. "]
    stored_text = article_values(Article(url="https://example.com/a", title="T", body=paragraphs))["body_text"]
    assert stored_text != "\n\n".join(paragraphs)
    fingerprint = fingerprint_body(paragraphs)
    assert fingerprint.minhash == encode(signature(stored_text))
    assert body_signature(paragraphs, stored_text, fingerprint) == fingerprint.minhash
    # the fingerprint's values are taken as they are, not computed again: a marked one comes back
    marked = BodyFingerprint(fingerprint.body_digest, bytes(4 * NUM_PERM))
    assert body_signature(paragraphs, stored_text, marked) == marked.minhash
    # another body (changed after extraction): its own signature, not the fingerprint's
    changed = [*paragraphs[:2], "and withdrew from it on Tuesday."]
    changed_text = "\n\n".join(p.strip() for p in changed if p.strip())
    assert body_signature(changed, changed_text, fingerprint) == encode(signature(changed_text))
    assert encode(signature(changed_text)) != fingerprint.minhash
