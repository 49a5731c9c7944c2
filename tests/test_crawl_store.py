"""End to end on each database (SQLite, and PostgreSQL when configured): ``scrapy crawl`` of the
three mirrors served on 127.0.0.1 into one store, then SQL on runs, fetch log, revisions, raw
pages, near-duplicate clusters and search; a recrawl; a changed page; re-extraction."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

try:  # an independent reader of what the archive wrote (the standard library's from Python 3.14)
    from compression import zstd  # type: ignore[import-not-found]
except ImportError:
    from backports import zstd  # type: ignore[import-not-found,no-redef]

from harvester.db import make_engine
from harvester.db.search import search
from harvester.db.testing import backends, database_at_head_url
from harvester.mirror_server import bundled_mirror, resolve_path, serve_mirror
from tests.crawling import CrawlOutcome, scrapy_crawl
from tests.goldens import ORIGINS, SITES, mirror_goldens, non_articles

SYNDICATED = ("itpostnews", "syndicated-openai-chatgpt-study")
ORIGINAL = ("budapestpost", "openai-chatgpt-study")
ALIBABA = (("worldofsoftware", "seed-alibaba-university-courses"), ("itpostnews", "seed-alibaba-great-firewall"),
           ("budapestpost", "seed-alibaba-beijing-poverty"))


def golden_url(site: str, name: str) -> str:
    return next(g.url for g in mirror_goldens(site) if g.name == name)


@dataclass
class Store:
    url: str
    engine: Engine
    mirrors: dict[str, Path]
    bases: dict[str, str]
    first: dict[str, CrawlOutcome]
    work: Path

    def rows(self, sql: str, **params: object) -> list[tuple]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]

    def crawl(self, site: str, name: str, *extra: str) -> CrawlOutcome:
        outcome = scrapy_crawl(site, self.bases[site], self.url, self.work / name, *extra)
        assert outcome.returncode == 0, outcome.log[-3000:]
        return outcome


@pytest.fixture(scope="module", params=backends())
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    work = tmp_path_factory.mktemp(f"store-{request.param}")
    url = database_at_head_url(request.param, work)
    mirrors = {}
    for site in SITES:
        mirrors[site] = work / "mirrors" / site
        shutil.copytree(bundled_mirror(site), mirrors[site])
    engine = make_engine(url)
    with ExitStack() as stack:
        bases = {site: stack.enter_context(serve_mirror(mirrors[site])) for site in SITES}
        first = {site: scrapy_crawl(site, bases[site], url, work / f"first-{site}") for site in SITES}
        yield Store(url, engine, mirrors, bases, first, work)
    engine.dispose()


def test_every_run_finished_and_wrote_its_crawl_run_row(store: Store) -> None:
    for site, outcome in store.first.items():
        assert outcome.returncode == 0, outcome.log[-3000:]
        assert "Traceback" not in outcome.log, outcome.log
    runs = store.rows(
        "SELECT id, spider, status, finished_at IS NOT NULL, pages_fetched, articles_new, articles_changed, "
        "articles_unchanged, non_articles, non_articles_by_class, errors, errors_by_reason FROM crawl_runs ORDER BY id"
    )
    assert [r[1] for r in runs] == list(SITES)
    for run in runs:
        site = run[1]
        outcome = store.first[site]
        assert run[0] == outcome.stats["harvester/crawl_run_id"]
        assert run[2:4] == ("finished", True)
        assert run[4] == outcome.stats["response_received_count"]
        assert run[5:8] == (len(mirror_goldens(site)), 0, 0)
        by_class = json.loads(run[9])
        assert run[8] == sum(by_class.values()) >= 1
        stats_classes = {k.split("/")[-1]: v for k, v in outcome.stats.items() if k.startswith("harvester/non_article/")}
        assert by_class == stats_classes
        errors = json.loads(run[11])
        assert errors.get("http_404", 0) == outcome.stat("error/http_404")
        assert run[10] == sum(errors.values())


def test_fetch_log_has_every_article_and_every_non_article(store: Store) -> None:
    for site in SITES:
        log = {
            url: (outcome, reason)
            for url, outcome, reason in store.rows(
                "SELECT f.url, f.outcome, f.reason FROM fetch_log f JOIN crawl_runs r ON r.id = f.run_id "
                "WHERE r.spider = :site", site=site,
            )
        }
        for golden in mirror_goldens(site):
            assert log[ORIGINS[site] + golden.path] == ("stored", "new"), golden.name
        for case in non_articles(site):
            outcome, reason = log[ORIGINS[site] + case["path"]]
            if case["expect"] == "http_404":
                assert (outcome, reason) == ("error", "http_404")
            else:
                assert outcome == "not_article", case
                if case["expect"] in ("listing", "empty"):
                    assert reason == case["expect"], case


def test_one_revision_and_one_raw_page_per_article_exactly_as_served(store: Store) -> None:
    for site in SITES:
        for golden in mirror_goldens(site):
            (revs,) = store.rows(
                "SELECT count(*) FROM article_revisions r JOIN articles a ON a.id = r.article_id WHERE a.url = :url",
                url=golden.url,
            )
            assert revs == (1,), golden.name
            ((compression, body, size),) = store.rows(
                "SELECT p.compression, p.body, p.size FROM raw_pages p JOIN article_revisions r ON r.raw_page_id = p.id "
                "JOIN articles a ON a.id = r.article_id WHERE a.url = :url", url=golden.url,
            )
            served = resolve_path(store.mirrors[site], golden.path)
            assert served is not None
            assert compression == "zstd" and zstd.decompress(bytes(body)) == served.read_bytes() and size == served.stat().st_size


def test_the_syndicated_copy_clusters_with_its_original_and_the_seeds_do_not(store: Store) -> None:
    clusters = dict(store.rows("SELECT url, cluster_id FROM articles"))
    assert clusters[golden_url(*SYNDICATED)] == clusters[golden_url(*ORIGINAL)]
    assert len({clusters[golden_url(*seed)] for seed in ALIBABA}) == 3
    grouped = store.rows("SELECT cluster_id, count(*) FROM articles GROUP BY cluster_id HAVING count(*) > 1")
    assert grouped == [(clusters[golden_url(*ORIGINAL)], 2)]


def test_every_stored_signature_is_that_of_the_stored_body(store: Store) -> None:
    """The extraction workers compute the signatures; they are those of the bodies as stored."""
    from harvester.minhash import encode, signature

    stored = store.rows("SELECT a.url, a.body_text, s.minhash FROM articles a "
                        "JOIN article_signatures s ON s.article_id = a.id")
    assert len(stored) == store.rows("SELECT count(*) FROM articles")[0][0] > 0
    assert [url for url, body, minhash in stored if bytes(minhash) != encode(signature(body))] == []


def test_search_finds_crawled_articles(store: Store) -> None:
    hits = search(store.engine, "Great Firewall")
    assert hits and hits[0].url == golden_url("itpostnews", "seed-alibaba-great-firewall")
    assert [h.site for h in search(store.engine, "Alibaba", site="budapestpost")] == ["budapestpost"]


def test_recrawl_writes_no_revision_and_a_changed_page_exactly_one(store: Store) -> None:
    """A full re-crawl (incremental re-checks off: every article fetched and compared by the store)."""
    site = "itpostnews"
    full = ("-s", "HARVESTER_INCREMENTAL=False")
    before = store.rows("SELECT count(*) FROM article_revisions")[0][0]
    again = store.crawl(site, "again", *full)
    assert again.stat("stored/unchanged") == len(mirror_goldens(site)) and again.stat("stored/new") == 0
    assert store.rows("SELECT count(*) FROM article_revisions")[0][0] == before
    ((unchanged,),) = store.rows("SELECT articles_unchanged FROM crawl_runs WHERE id = :id", id=again.stats["harvester/crawl_run_id"])
    assert unchanged == len(mirror_goldens(site))

    golden = next(g for g in mirror_goldens(site) if g.name == "passkeys-explained")
    page = resolve_path(store.mirrors[site], golden.path)
    assert page is not None
    html = page.read_text(encoding="utf-8")
    first_words = " ".join(golden.expected["body"][0].split()[:4])
    assert html.count(first_words) == 1
    page.write_text(html.replace(first_words, "EDITED " + first_words), encoding="utf-8")
    changed = store.crawl(site, "changed", *full)
    assert changed.stat("stored/changed") == 1
    assert store.rows("SELECT count(*) FROM article_revisions")[0][0] == before + 1
    history = store.rows(
        "SELECT r.revision_no, r.body_text FROM article_revisions r JOIN articles a ON a.id = r.article_id "
        "WHERE a.url = :url ORDER BY r.revision_no", url=golden.url,
    )
    assert [no for no, _ in history] == [1, 2]
    assert "EDITED" not in history[0][1] and "EDITED" in history[1][1]


def test_reextract_over_the_crawled_archive_changes_nothing(store: Store, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARVESTER_")} | {"HARVESTER_DATABASE_URL": store.url}
    done = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "reextract"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    total = sum(len(mirror_goldens(site)) for site in SITES)
    assert done.stdout.startswith(f"0 articles changed (0 new revisions) of {total} re-extracted"), done.stdout
