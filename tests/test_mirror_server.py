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


def test_one_connection_serves_many_requests_and_stopping_the_server_closes_it(site: Path) -> None:
    import http.client

    with serve_mirror(site) as base:
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        for path in ("/post/", "/robots.txt", "/nothing-here", "/feed/"):
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            assert response.status in (200, 404)
            assert response.version == 11 and not response.will_close  # kept alive
        conn.request("HEAD", "/post/")
        head = conn.getresponse()
        assert head.read() == b"" and int(head.headers["Content-Length"]) > 0
        conn.request("GET", "/post/", headers={"If-None-Match": get(base + "/post/")[1]["ETag"]})
        not_modified = conn.getresponse()
        assert not_modified.status == 304 and not_modified.read() == b""
        conn.request("GET", "/post/")  # the same connection still works after a 304
        assert conn.getresponse().read() == b"<html><body>post</body></html>"
    # the server is gone: the kept connection does not answer any more
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        conn.request("GET", "/post/")
        conn.getresponse().read()
    conn.close()
