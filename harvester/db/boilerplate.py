"""Learned boilerplate in the store: ``site_boilerplate`` and ``site_boilerplate_pages``.

``load_site_blocks`` reads what earlier runs learned about a site into a ``SiteBlocks``
(``harvester.extraction.learned``); ``save_site_blocks`` writes what a run added. Saving is a
dialect-native upsert that keeps the larger count and the earlier first sighting, so saving the
same knowledge twice, or after a crash and a resumed run, counts nothing twice. A site is crawled
by one run at a time (run locks), so counts are never merged from two concurrent runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from sqlalchemy import case, func, inspect, select
from sqlalchemy.engine import Connection, Engine

from harvester.db.engine import writing
from harvester.db.store import site_id
from harvester.db.tables import BOILERPLATE_PAGES, SITE_BOILERPLATE, SITES
from harvester.db.upsert import built, dialect_insert, ignore_statement
from harvester.extraction.learned import POSITIONS, BlockStats, Position, SiteBlocks, Thresholds
from harvester.extraction.model import Article

#: Rows per INSERT statement (SQLite allows 32766 bound parameters; nine per block row).
CHUNK = 500


def _has_tables(conn: Connection) -> bool:
    inspector = inspect(conn)
    return inspector.has_table(SITE_BOILERPLATE.name) and inspector.has_table(BOILERPLATE_PAGES.name)


def load_site_blocks(
    conn: Connection, site: str, thresholds: Thresholds | None = None, *, page_keys: bool = True
) -> SiteBlocks:
    """What the store knows about ``site`` (empty for an unknown site or an older schema).

    With ``page_keys`` the observed pages' URLs are loaded too, so a crawl does not count them
    again; without, only how many there are (enough for ``strip``, as in re-extraction).
    """
    blocks = SiteBlocks(site, thresholds)
    if not _has_tables(conn):
        return blocks
    found = conn.execute(select(SITES.c.id).where(SITES.c.key == site)).scalar_one_or_none()
    if found is None:
        return blocks
    pages = BOILERPLATE_PAGES
    if page_keys:
        blocks.add_known_pages(conn.execute(select(pages.c.url).where(pages.c.site_id == found)).scalars())
    else:
        count = conn.execute(select(func.count()).select_from(pages).where(pages.c.site_id == found)).scalar_one()
        blocks.add_known_pages(int(count))
    table = SITE_BOILERPLATE
    rows = conn.execute(
        select(
            table.c.block_key, table.c.position, table.c.pages_seen, table.c.first_page_no,
            table.c.first_seen, table.c.last_seen, table.c.sample_text,
        ).where(table.c.site_id == found)
    )
    for key, position, seen, first_no, first, last, sample in rows:
        if position not in POSITIONS:
            continue  # a row written by a newer version with another place class
        blocks.add_known(key, cast(Position, position), BlockStats(seen, first_no, first, last, sample))
    return blocks


def site_knowledge(engine: Engine, thresholds: Thresholds | None = None) -> Callable[[str], SiteBlocks]:
    """The ``knowledge`` a store writer gives ``HoldBack``: a site key -> what the store learned
    about the site (pages included, so this run does not count them again)."""

    def load(site: str) -> SiteBlocks:
        with engine.connect() as conn:
            return load_site_blocks(conn, site, thresholds)

    return load


def save_site_blocks(conn: Connection, blocks: SiteBlocks) -> int:
    """Write the pages and the changed blocks ``blocks`` observed since its last save, in the
    caller's transaction; call ``blocks.mark_saved()`` once it committed. Returns the blocks written."""
    rows = blocks.unsaved()
    pages = list(blocks.unsaved_pages.items())
    if not rows and not pages:
        return 0
    site = site_id(conn, blocks.site)
    insert_pages = ignore_statement(conn, BOILERPLATE_PAGES, conflict=["site_id", "url"])
    for start in range(0, len(pages), CHUNK):
        chunk = [{"site_id": site, "url": url, "observed_at": at} for url, at in pages[start:start + CHUNK]]
        conn.execute(insert_pages, chunk)  # executemany of one statement built once
    values = [
        {
            "site_id": site, "block_key": key, "position": position, "sample_text": stats.sample_text,
            "pages_seen": stats.pages_seen, "first_page_no": stats.first_page_no,
            "first_seen": stats.first_seen, "last_seen": stats.last_seen,
        }
        for key, position, stats in sorted(rows, key=lambda row: (row[0], row[1]))
    ]
    upsert = built(conn, ("site blocks upsert",), lambda: _blocks_upsert(conn))
    for start in range(0, len(values), CHUNK):
        conn.execute(upsert, values[start:start + CHUNK])
    return len(rows)


def _blocks_upsert(conn: Connection) -> Any:
    """Insert a block row; when it exists, keep the larger counts and the earlier first sighting."""
    table = SITE_BOILERPLATE
    stmt = dialect_insert(conn, table)
    new = stmt.excluded
    return stmt.on_conflict_do_update(
        index_elements=["site_id", "block_key", "position"],
        set_={
            "pages_seen": case((new.pages_seen > table.c.pages_seen, new.pages_seen), else_=table.c.pages_seen),
            "last_seen": case((new.last_seen > table.c.last_seen, new.last_seen), else_=table.c.last_seen),
            "first_seen": case((new.first_seen < table.c.first_seen, new.first_seen), else_=table.c.first_seen),
            "first_page_no": case(
                (new.first_page_no < table.c.first_page_no, new.first_page_no), else_=table.c.first_page_no
            ),
        },
    )


def save_all(engine: Engine, sites: Mapping[str, SiteBlocks] | Iterable[SiteBlocks]) -> int:
    """Save every site's new knowledge in one transaction and mark it saved."""
    known = list(sites.values()) if isinstance(sites, Mapping) else list(sites)
    written = 0
    with writing(engine) as conn:
        for blocks in known:
            written += save_site_blocks(conn, blocks)
    for blocks in known:
        blocks.mark_saved()
    return written


class LearnedStripper:
    """Strips articles with what the store learned about their sites (each site loaded once);
    used by re-extraction."""

    def __init__(self, engine: Engine, thresholds: Thresholds | None = None) -> None:
        self._engine = engine
        self._thresholds = thresholds
        self._sites: dict[str, SiteBlocks] = {}

    def blocks(self, site: str) -> SiteBlocks:
        known = self._sites.get(site)
        if known is None:
            with self._engine.connect() as conn:
                known = load_site_blocks(conn, site, self._thresholds, page_keys=False)
            self._sites[site] = known
        return known

    def __call__(self, site: str, article: Article) -> Article:
        return self.blocks(site).strip(article)
