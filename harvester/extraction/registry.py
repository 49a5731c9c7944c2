"""Site rules by site key, without Scrapy's spider loader or project settings.

Design: site knowledge lives in one module per site, ``spiders/<key>.py``, which defines its
``RULES = SiteRules(key=...)`` beside its spider class. This registry finds the rules of a key by
importing exactly that module (by the convention module name == site key) and reading ``RULES``;
it never builds a ``SpiderLoader``, reads project settings or imports the other spiders. The
registry itself imports nothing from Scrapy; importing a site module does (its spider class
subclasses ``SiteSpider``), so a lookup by key costs that import once per process, and callers
that hold a ``SiteRules`` (worker processes get one from the spider) never pay it.
``register`` adds rules that live elsewhere (a library user's own site), looked up first.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from harvester.extraction.rules import SiteRules

SITE_PACKAGE = "spiders"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_REGISTERED: dict[str, SiteRules] = {}


def register(rules: SiteRules) -> SiteRules:
    """Make ``rules`` the rules of ``rules.key`` (returns them, so a module can write
    ``RULES = register(SiteRules(...))``)."""
    _REGISTERED[rules.key] = rules
    return rules


def site_keys() -> list[str]:
    """Keys with rules: registered ones and the site modules of the ``spiders`` package
    (listed without importing them; a module without ``RULES`` is a generic spider)."""
    try:
        package = importlib.import_module(SITE_PACKAGE)
    except ImportError:
        return sorted(_REGISTERED)
    modules = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")}
    return sorted(set(_REGISTERED) | modules)


def site_rules(key: str) -> SiteRules:
    """The rules of site ``key``; KeyError naming the known keys when there are none."""
    if key in _REGISTERED:
        return _REGISTERED[key]
    rules = None
    if _KEY.match(key):
        try:
            module = importlib.import_module(f"{SITE_PACKAGE}.{key}")
        except ModuleNotFoundError as exc:
            if exc.name not in (SITE_PACKAGE, f"{SITE_PACKAGE}.{key}"):
                raise
            module = None
        rules = getattr(module, "RULES", None)
    if not isinstance(rules, SiteRules):
        raise KeyError(f"unknown site {key!r} (sites with rules: {', '.join(site_keys())})")
    _REGISTERED[key] = rules
    return rules
