"""A hostile news site on 127.0.0.1 for end-to-end crawl tests (see ``site.HostileSite``)."""

from tests.hostile.site import HostileSite

__all__ = ["HostileSite"]
