"""The loopback mirror server: path mapping, content types, 404s and conditional requests."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from harvester.mirror_server import resolve_path, serve_mirror


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "post").mkdir()
    (tmp_path / "post" / "index.html").write_text("<html><body>post</body></html>", encoding="utf-8")
    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "index.xml").write_text('<?xml version="1.0"?><rss version="2.0"></rss>', encoding="utf-8")
    (tmp_path / "slug-without-extension").write_text("<html>slug</html>", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    return tmp_path


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_resolve_path(site: Path) -> None:
    assert resolve_path(site, "/post/") == site / "post" / "index.html"
    assert resolve_path(site, "/feed/") == site / "feed" / "index.xml"
    assert resolve_path(site, "/slug-without-extension?x=1") == site / "slug-without-extension"
    assert resolve_path(site, "/post") is None  # a directory is not a file
    assert resolve_path(site, "/../etc/passwd") is None
    assert resolve_path(site, "/missing/") is None


def test_serves_files_with_types_and_404(site: Path) -> None:
    with serve_mirror(site) as base:
        status, headers, body = get(base + "/post/")
        assert (status, body) == (200, b"<html><body>post</body></html>")
        assert headers["Content-Type"].startswith("text/html")
        assert get(base + "/feed/")[1]["Content-Type"].startswith("application/rss+xml")
        assert get(base + "/robots.txt")[1]["Content-Type"].startswith("text/plain")
        assert get(base + "/slug-without-extension")[1]["Content-Type"].startswith("text/html")
        assert get(base + "/nothing-here")[0] == 404


def test_conditional_requests_get_304_until_the_file_changes(site: Path) -> None:
    with serve_mirror(site) as base:
        _, headers, _ = get(base + "/post/")
        etag, last_modified = headers["ETag"], headers["Last-Modified"]
        assert get(base + "/post/", {"If-None-Match": etag})[0] == 304
        assert get(base + "/post/", {"If-Modified-Since": last_modified})[0] == 304
        assert get(base + "/post/", {"If-None-Match": '"other"'})[0] == 200
        (site / "post" / "index.html").write_text("<html><body>changed</body></html>", encoding="utf-8")
        status, _, body = get(base + "/post/", {"If-None-Match": etag})
        assert (status, body) == (200, b"<html><body>changed</body></html>")
