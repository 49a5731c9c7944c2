"""Pytest fixtures of the fault tests (import them into a test module by name)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.processes import Processes
from tests.faults.site import NewsSite


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    """Subprocesses of the test; whatever is left of them is killed at the end."""
    started = Processes(tmp_path / "runs")
    try:
        yield started
    finally:
        started.cleanup()


@pytest.fixture
def site(tmp_path: Path) -> NewsSite:
    """The generated site, written to ``tmp_path / "site"``."""
    return NewsSite().write(tmp_path / "site")
