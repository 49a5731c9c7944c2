"""The article store on real databases: upserts, links, timestamps, summaries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import StatementError

from harvester.db import (
    DEFAULT_DATABASE_URL,
    ArticleStore,
    NaiveDatetimeError,
    iter_articles,
    make_engine,
    redact_url,
    resolve_database_url,
    site_summary,
)
from harvester.db.models import Article as ArticleRow
from harvester.db.models import Site
from harvester.db.testing import backends, database_at_head_url
from harvester.extraction.model import Article

CET = timezone(timedelta(hours=1))
T0 = datetime(2025, 3, 1, 8, 0, tzinfo=timezone.utc)
T1 = T0 + timedelta(hours=6)
T2 = T0 + timedelta(days=1)
URL = "https://budapestpost.com/2025/03/01/parliament-votes/"


@pytest.fixture(params=backends())
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_at_head_url(request.param, tmp_path)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: Engine) -> ArticleStore:
    return ArticleStore(engine)


def make_article(**changes: object) -> Article:
    article = Article(
        url=URL,
        title="Parliament votes on the “new” budget",
        body=["First paragraph – with a dash.", "Second [editorial] paragraph."],
        body_html="<p>First paragraph – with a dash.</p><p>Second [editorial] paragraph.</p>",
        authors=["Anna Kovács", "Péter Nagy"],
        published=datetime(2025, 3, 1, 9, 30, tzinfo=CET),
        modified=datetime(2025, 3, 1, 11, 0, tzinfo=CET),
        section="Politics",
        tags=["Budget", "Parliament"],
        lead_image="https://budapestpost.com/img/lead.jpg",
        description="The vote in short.",
        language="en",
        sources={"title": "json-ld", "published": "meta"},
    )
    return replace(article, **changes)  # type: ignore[arg-type]


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def stored(engine: Engine, url: str = URL) -> ArticleRow:
    with engine.connect() as conn:
        row = conn.execute(select(ArticleRow.__table__).where(ArticleRow.url == url)).one()
    return row  # type: ignore[return-value]


def save(store: ArticleStore, article: Article, at: datetime, site: str = "budapestpost") -> str:
    return store.save(site, article, fetched_url=article.url + "?utm_source=feed", fetched_at=at)


# --- URL resolution ------------------------------------------------------------------------


def test_the_setting_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in Scrapy, the command line (or a setting holding it) wins; the environment is the fallback."""
    monkeypatch.setenv("HARVESTER_DATABASE_URL", "sqlite:///from-env.db")
    assert resolve_database_url("sqlite:///from-setting.db") == "sqlite:///from-setting.db"
    assert resolve_database_url(None) == resolve_database_url("  ") == "sqlite:///from-env.db"


def test_setting_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HARVESTER_DATABASE_URL", raising=False)
    assert resolve_database_url("sqlite:///from-setting.db") == "sqlite:///from-setting.db"
    assert resolve_database_url(None) == DEFAULT_DATABASE_URL == "sqlite:///harvest.db"
    monkeypatch.setenv("HARVESTER_DATABASE_URL", "  ")
    assert resolve_database_url("") == DEFAULT_DATABASE_URL


def test_redact_url_hides_only_the_password() -> None:
    redacted = redact_url("postgresql+psycopg://harvest:s3cr%40t@db.example:5432/news")
    assert "s3cr" not in redacted
    assert redacted == "postgresql+psycopg://harvest:***@db.example:5432/news"
    assert redact_url("sqlite:///harvest.db") == "sqlite:///harvest.db"


def test_sqlite_engine_enforces_foreign_keys_and_uses_wal(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragma.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    engine.dispose()


# --- saving --------------------------------------------------------------------------------


def test_new_article_is_stored_with_its_fields(store: ArticleStore, engine: Engine) -> None:
    assert save(store, make_article(), T0) == "new"
    row = stored(engine)
    assert row.title == "Parliament votes on the “new” budget"
    assert row.body_text == "First paragraph – with a dash.\n\nSecond [editorial] paragraph."
    assert row.word_count == 9
    assert len(row.content_hash) == 64
    assert row.fetched_url == URL + "?utm_source=feed"
    assert row.first_seen_at == row.last_seen_at == row.last_changed_at == T0
    assert count(engine, "articles") == 1
    assert count(engine, "sites") == 1


def test_same_article_again_is_unchanged_and_only_moves_last_seen(
    store: ArticleStore, engine: Engine
) -> None:
    save(store, make_article(), T0)
    before = stored(engine)
    assert save(store, make_article(), T1) == "unchanged"
    after = stored(engine)
    assert count(engine, "articles") == 1
    assert after.last_seen_at == T1
    assert (after.first_seen_at, after.last_changed_at) == (T0, T0)
    assert after.content_hash == before.content_hash


def test_the_same_article_under_another_url_of_the_site_is_a_duplicate(store: ArticleStore, engine: Engine) -> None:
    """A print, AMP or mobile copy without rel=canonical: one article, nothing written for the copy."""
    assert save(store, make_article(), T0) == "new"
    copy = URL.rstrip("/") + "/print/"
    assert save(store, make_article(url=copy, authors=["Péter Nagy"], tags=[]), T1) == "duplicate"
    assert count(engine, "articles") == 1
    assert count(engine, "article_revisions") == 1
    assert stored(engine).last_seen_at == T0  # the stored article's own URL was not seen again
    with engine.connect() as conn:
        assert conn.execute(select(ArticleRow.url)).scalars().all() == [URL]


def test_without_content_dedupe_every_url_is_its_own_article(engine: Engine) -> None:
    store = ArticleStore(engine, dedupe_content=False)  # HARVESTER_DEDUPE_CONTENT = False
    assert save(store, make_article(), T0) == "new"
    assert save(store, make_article(url=URL.rstrip("/") + "/print/"), T1) == "new"
    assert count(engine, "articles") == 2


def test_same_content_on_another_site_or_with_another_title_is_its_own_article(
    store: ArticleStore, engine: Engine
) -> None:
    save(store, make_article(), T0)
    assert save(store, make_article(url="https://othersite.example/2025/03/01/votes/"), T1, site="other") == "new"
    assert save(store, make_article(url=URL + "follow-up/", title="Parliament votes again"), T1) == "new"
    assert count(engine, "articles") == 3


def test_nbsp_and_padding_do_not_count_as_a_change(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    padded = make_article(
        body=["First paragraph – with a dash.\u00a0", "  ", "Second [editorial] paragraph."]
    )
    assert save(store, padded, T1) == "unchanged"
    assert stored(engine).body_text == "First paragraph – with a dash.\n\nSecond [editorial] paragraph."


def test_changed_body_updates_the_row(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    old_hash = stored(engine).content_hash
    changed = make_article(body=["First paragraph – with a dash.", "A corrected second paragraph."])
    assert save(store, changed, T1) == "changed"
    row = stored(engine)
    assert count(engine, "articles") == 1
    assert row.body_text.endswith("A corrected second paragraph.")
    assert row.content_hash != old_hash
    assert row.last_changed_at == row.last_seen_at == T1
    assert row.first_seen_at == T0


@pytest.mark.parametrize(
    "changes",
    [
        {"tags": ["Budget"]},
        {"authors": ["Péter Nagy", "Anna Kovács"]},
        {"modified": datetime(2025, 3, 1, 12, 0, tzinfo=CET)},
        {"section": "Economy"},
        {"lead_image": None},
    ],
    ids=["tags", "author-order", "modified", "section", "lead-image"],
)
def test_metadata_change_is_a_change(
    store: ArticleStore, engine: Engine, changes: dict[str, object]
) -> None:
    save(store, make_article(), T0)
    assert save(store, make_article(**changes), T1) == "changed"
    assert stored(engine).last_changed_at == T1


def test_same_instant_in_another_timezone_is_unchanged(store: ArticleStore) -> None:
    save(store, make_article(), T0)
    same_instant = datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc)
    assert save(store, make_article(published=same_instant), T1) == "unchanged"


def test_authors_and_tags_are_joinable_with_sql(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    other = make_article(url=URL + "2", title="Another story", authors=["Péter Nagy"], tags=["Budget", "Economy"])
    save(store, other, T0)
    with engine.connect() as conn:
        bylines = conn.execute(
            text(
                """
                SELECT a.url, au.name
                FROM articles a
                JOIN article_authors aa ON aa.article_id = a.id
                JOIN authors au ON au.id = aa.author_id
                ORDER BY a.url, aa.position
                """
            )
        ).all()
        budget = conn.execute(
            text(
                """
                SELECT a.url
                FROM tags t
                JOIN article_tags at ON at.tag_id = t.id
                JOIN articles a ON a.id = at.article_id
                JOIN sites s ON s.id = a.site_id
                WHERE t.name = :tag AND s.key = :site
                ORDER BY a.url
                """
            ),
            {"tag": "Budget", "site": "budapestpost"},
        ).scalars().all()
    assert [tuple(r) for r in bylines] == [
        (URL, "Anna Kovács"),
        (URL, "Péter Nagy"),
        (URL + "2", "Péter Nagy"),
    ]
    assert budget == [URL, URL + "2"]
    assert count(engine, "authors") == 2  # names are shared, not repeated
    assert count(engine, "tags") == 3


def test_links_are_replaced_on_change(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    save(store, make_article(authors=["Zsófia Tóth"], tags=[]), T1)
    with engine.connect() as conn:
        names = conn.execute(
            text(
                "SELECT au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id"
            )
        ).scalars().all()
    assert names == ["Zsófia Tóth"]
    assert count(engine, "article_tags") == 0


def test_duplicate_names_are_linked_once(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(authors=["Anna Kovács", "Anna\u00a0Kovács ", "Anna Kovács"]), T0)
    assert count(engine, "article_authors") == 1  # NBSP becomes a space: one name


def test_a_failed_save_leaves_nothing_half_written(tmp_path: Path) -> None:
    """A link insert that fails rolls back the article upsert of the same call (SQLite
    trigger as the failure: the store's own code is unchanged)."""
    url = database_at_head_url("sqlite", tmp_path)
    engine = make_engine(url)
    store = ArticleStore(engine)
    save(store, make_article(), T0)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER no_boom BEFORE INSERT ON tags WHEN NEW.name = 'boom' "
                "BEGIN SELECT RAISE(ABORT, 'boom refused'); END"
            )
        )
    broken = make_article(body=["Rewritten."], tags=["boom"])
    with pytest.raises(Exception, match="boom refused"):
        save(store, broken, T1)
    row = stored(engine)
    assert row.body_text.startswith("First paragraph")
    assert row.last_seen_at == T0
    assert count(engine, "article_tags") == 2
    with pytest.raises(Exception, match="boom refused"):
        save(store, replace(broken, url=URL + "new"), T1)
    assert count(engine, "articles") == 1
    store.close()


# --- timestamps ----------------------------------------------------------------------------


def test_timestamps_come_back_aware_in_utc(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    row = stored(engine)
    for value in (row.published_at, row.modified_at, row.first_seen_at, row.last_seen_at):
        assert value.tzinfo is not None
        assert value.utcoffset() == timedelta(0)
    assert row.published_at == datetime(2025, 3, 1, 9, 30, tzinfo=CET)
    assert row.published_at.hour == 8


@pytest.mark.parametrize("field", ["fetched_at", "published", "modified"])
def test_naive_datetimes_are_rejected(store: ArticleStore, engine: Engine, field: str) -> None:
    naive = datetime(2025, 3, 1, 9, 30)
    article = make_article(**({field: naive} if field != "fetched_at" else {}))
    fetched_at = naive if field == "fetched_at" else T0
    with pytest.raises(NaiveDatetimeError, match="naive datetime"):
        store.save("budapestpost", article, fetched_url=URL, fetched_at=fetched_at)
    assert count(engine, "articles") == 0


def test_column_type_rejects_naive_datetimes(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    with engine.begin() as conn, pytest.raises(StatementError, match="naive datetime"):
        conn.execute(
            ArticleRow.__table__.update().values(last_seen_at=datetime(2025, 3, 2, 10, 0))
        )


# --- sites, summaries, export records ------------------------------------------------------


def test_site_row_is_created_on_first_use_and_can_be_named(
    store: ArticleStore, engine: Engine
) -> None:
    save(store, make_article(), T0)
    store.register_site("budapestpost", "Budapest Post", "https://budapestpost.com")
    store.register_site("itpostnews", "IT Post News")
    save(store, make_article(url=URL + "2"), T0)
    with engine.connect() as conn:
        sites = conn.execute(
            select(Site.key, Site.name, Site.base_url).order_by(Site.key)
        ).all()
    assert [tuple(s) for s in sites] == [
        ("budapestpost", "Budapest Post", "https://budapestpost.com"),
        ("itpostnews", "IT Post News", None),
    ]


def test_site_summary_counts_articles_and_words_for_every_site(store: ArticleStore) -> None:
    store.register_site("worldofsoftware", "World of Software")
    save(store, make_article(), T0)
    save(store, make_article(url=URL + "2", body=["Three more words."]), T0)
    save(store, make_article(url="https://itpostnews.com/a/"), T0, site="itpostnews")
    assert site_summary(store.engine) == [
        ("budapestpost", 2, 9 + 3),
        ("itpostnews", 1, 9),
        ("worldofsoftware", 0, 0),
    ]


def test_iter_articles_orders_by_site_published_url(store: ArticleStore, engine: Engine) -> None:
    later = datetime(2025, 3, 2, tzinfo=timezone.utc)
    # distinct titles: the same title and body under two URLs of a site is one article (a duplicate)
    save(store, make_article(url="https://b.example/undated", title="Undated", published=None), T0)
    save(store, make_article(url="https://b.example/late", title="Late", published=later), T0)
    save(store, make_article(url="https://b.example/z-early", title="Z"), T0)
    save(store, make_article(url="https://b.example/a-early", title="A"), T0)
    save(store, make_article(url="https://a.example/x"), T0, site="aaa")
    urls = [r["url"] for r in iter_articles(engine)]
    assert urls == [
        "https://a.example/x",
        "https://b.example/a-early",
        "https://b.example/z-early",
        "https://b.example/late",
        "https://b.example/undated",
    ]
    assert [r["url"] for r in iter_articles(engine, site="aaa")] == ["https://a.example/x"]
    assert list(iter_articles(engine, site="nosuchsite")) == []


def test_export_record_fields(store: ArticleStore, engine: Engine) -> None:
    save(store, make_article(), T0)
    save(store, make_article(), T1)
    (record,) = iter_articles(engine)
    assert record == {
        "site": "budapestpost",
        "url": URL,
        "title": "Parliament votes on the “new” budget",
        "authors": ["Anna Kovács", "Péter Nagy"],
        "published": "2025-03-01T08:30:00+00:00",
        "modified": "2025-03-01T10:00:00+00:00",
        "section": "Politics",
        "tags": ["Budget", "Parliament"],
        "lead_image": "https://budapestpost.com/img/lead.jpg",
        "description": "The vote in short.",
        "language": "en",
        "word_count": 9,
        "body": "First paragraph – with a dash.\n\nSecond [editorial] paragraph.",
        "first_seen": T0.isoformat(),
        "last_seen": T1.isoformat(),
        "last_changed": T0.isoformat(),
        "content_hash": stored(engine).content_hash,
        "cluster_id": stored(engine).id,  # alone: its own cluster
    }
