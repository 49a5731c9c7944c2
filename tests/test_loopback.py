"""A crawl of one's own machine is not throttled (harvester/loopback.py); the command line still wins."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from harvester.loopback import is_loopback_host, unthrottle_loopback
from harvester.runner import project_settings


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "127.255.0.9", "::1", "[::1]", "localhost", "LOCALHOST",
                                  "mirror.localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["10.0.0.1", "192.168.1.10", "example.org", "localhost.example.org", "128.0.0.1",
                                  "::2", "", None])
def test_other_hosts_are_not_loopback(host: str | None) -> None:
    assert not is_loopback_host(host)


def test_a_crawl_of_loopback_hosts_runs_unthrottled() -> None:
    settings = project_settings()
    assert settings.getfloat("DOWNLOAD_DELAY") > 0 and settings.getbool("AUTOTHROTTLE_ENABLED")  # the defaults
    assert unthrottle_loopback(settings, ["127.0.0.1", "localhost"])
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getbool("ROBOTSTXT_OBEY")  # politeness that costs nothing stays


def test_one_remote_host_keeps_the_politeness() -> None:
    settings = project_settings()
    assert not unthrottle_loopback(settings, ["127.0.0.1", "example.org"])
    assert settings.getfloat("DOWNLOAD_DELAY") == project_settings().getfloat("DOWNLOAD_DELAY") > 0
    assert settings.getbool("AUTOTHROTTLE_ENABLED")


def test_the_command_line_wins() -> None:
    settings = project_settings({"DOWNLOAD_DELAY": "0.4", "AUTOTHROTTLE_ENABLED": "True"})  # -s, priority cmdline
    assert not unthrottle_loopback(settings, ["127.0.0.1"])
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.4
    assert settings.getbool("AUTOTHROTTLE_ENABLED")


def test_the_setting_keeps_politeness_on_loopback() -> None:
    settings = project_settings({"HARVESTER_THROTTLE_LOOPBACK": "True"})
    assert not unthrottle_loopback(settings, ["127.0.0.1"])
    assert settings.getfloat("DOWNLOAD_DELAY") > 0 and settings.getbool("AUTOTHROTTLE_ENABLED")


def test_frozen_settings_are_left_alone() -> None:
    settings = Settings({"DOWNLOAD_DELAY": 1, "AUTOTHROTTLE_ENABLED": True})
    settings.freeze()
    assert not unthrottle_loopback(settings, ["127.0.0.1"])
    assert settings.getfloat("DOWNLOAD_DELAY") == 1
