"""Site rules by key (harvester.extraction.registry): the site's own module, no spider loader."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harvester.extraction import SiteRules
from harvester.extraction.registry import register, site_keys, site_rules


def test_rules_come_from_the_site_module() -> None:
    from spiders.budapestpost import RULES, BudapestPostSpider

    assert site_rules("budapestpost") is RULES is BudapestPostSpider.rules
    assert {"budapestpost", "itpostnews", "worldofsoftware"} <= set(site_keys())


@pytest.mark.parametrize("key", ["nosuchsite", "news", "../etc", "Budapest Post"])
def test_unknown_keys_and_spiders_without_rules_are_a_clear_error(key: str) -> None:
    with pytest.raises(KeyError, match="unknown site"):
        site_rules(key)


def test_registered_rules_win() -> None:
    mine = register(SiteRules(key="mysite_for_test", site_names=("My Site",)))
    assert site_rules("mysite_for_test") is mine


def test_the_registry_and_extraction_import_no_scrapy() -> None:
    code = ("import sys, harvester.extraction.registry, harvester.extraction.pipeline; "
            "sys.exit(1 if 'scrapy' in sys.modules else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
