"""A Scrapy add-on that leaves Scrapy's consoles out of the crawl unless they are turned on.

Scrapy loads every extension class of ``EXTENSIONS_BASE`` before asking it whether it is enabled:
RemoteControl's module imports aiohttp (about a quarter of a CPU second) and Telnet's imports
Twisted Conch, for consoles that ``REMOTE_CONTROL_ENABLED = False`` / ``TELNETCONSOLE_ENABLED =
False`` (this project's defaults) keep closed anyway. Setting an extension to ``None`` does not
help: Scrapy imports every key of ``EXTENSIONS_BASE`` and ``EXTENSIONS`` to merge them. This add-on
takes a disabled console out of ``EXTENSIONS_BASE`` so that its module is never imported;
``-s REMOTE_CONTROL_ENABLED=True`` (or ``TELNETCONSOLE_ENABLED``) brings it back as usual.
"""

from __future__ import annotations

from typing import Any

CONSOLES = {
    "REMOTE_CONTROL_ENABLED": "scrapy.extensions.remote_control.RemoteControl",
    "TELNETCONSOLE_ENABLED": "scrapy.extensions.telnet.TelnetConsole",
}


class ConsolesAddon:
    def update_settings(self, settings: Any) -> None:
        for enabled, extension in CONSOLES.items():
            if not settings.getbool(enabled):
                settings["EXTENSIONS_BASE"].delete(extension, priority="addon")
