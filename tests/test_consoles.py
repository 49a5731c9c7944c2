"""Scrapy's consoles stay closed and unloaded by default, and open with ``-s``."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from harvester import settings as project_settings
from harvester.consoles import CONSOLES, ConsolesAddon


def settings_after_addon(**cmdline: object) -> Settings:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    settings.setdict(cmdline, priority="cmdline")
    ConsolesAddon().update_settings(settings)
    return settings


def test_closed_consoles_are_not_among_the_extensions_scrapy_imports() -> None:
    settings = settings_after_addon()
    keys = set(settings.getwithbase("EXTENSIONS"))
    for extension in CONSOLES.values():
        assert extension not in keys
    assert "scrapy.extensions.corestats.CoreStats" in keys  # the others stay


@pytest.mark.parametrize(("flag", "extension"), sorted(CONSOLES.items()))
def test_a_console_turned_on_with_s_is_back(flag: str, extension: str) -> None:
    settings = settings_after_addon(**{flag: "True"})
    assert extension in set(settings.getwithbase("EXTENSIONS"))
    other = next(e for f, e in CONSOLES.items() if f != flag)
    assert other not in set(settings.getwithbase("EXTENSIONS"))


def test_the_project_registers_the_addon() -> None:
    assert "harvester.consoles.ConsolesAddon" in project_settings.ADDONS
