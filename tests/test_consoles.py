"""harvester.consoles: Scrapy's remote control, imported only when it is turned on."""

from __future__ import annotations

import subprocess
import sys

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from harvester.consoles import LazyRemoteControl

_BUILD_EXTENSIONS = """
import sys
from scrapy.extension import ExtensionManager
from scrapy.utils.test import get_crawler
import harvester.settings as project
settings = {name: getattr(project, name) for name in dir(project) if name.isupper()}
settings.update(HARVESTER_STATS_FILE=None, ADDONS={}, **dict(arg.split("=", 1) for arg in sys.argv[1:]))
manager = ExtensionManager.from_crawler(get_crawler(settings_dict=settings))
names = sorted(type(m).__name__ for m in manager.middlewares)
print("RemoteControl" in names, "scrapy.extensions.remote_control" in sys.modules, "aiohttp" in sys.modules)
"""


def _extensions(*settings: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _BUILD_EXTENSIONS, *settings], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_off_by_default_and_not_even_imported() -> None:
    assert _extensions() == ["False", "False", "False"]


def test_turned_on_it_is_scrapys_own() -> None:
    from scrapy.extensions.remote_control import RemoteControl

    assert _extensions("REMOTE_CONTROL_ENABLED=True") == ["True", "True", "True"]
    extension = LazyRemoteControl.from_crawler(get_crawler(settings_dict={"REMOTE_CONTROL_ENABLED": True}))
    assert isinstance(extension, RemoteControl)
    with pytest.raises(NotConfigured):
        LazyRemoteControl.from_crawler(get_crawler(settings_dict={"REMOTE_CONTROL_ENABLED": False}))
