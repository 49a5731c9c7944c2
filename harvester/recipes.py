"""The SQL recipes: one source, ``harvester/recipes.sql``, for the README and ``harvester browse``.

Each recipe is a block of the file (blocks are separated by a blank line) whose first line is
``-- <title>``. A title naming a database (``Search, SQLite: …``, ``Search, PostgreSQL: …``)
runs on that database only; every other recipe runs on SQLite and PostgreSQL alike. The README's
recipes section shows the file's blocks verbatim and in order (tests/test_readme_recipes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

DIALECTS = {"SQLite": "sqlite", "PostgreSQL": "postgresql"}


@dataclass(frozen=True)
class Recipe:
    """One SQL recipe: its title (the first comment line) and its full text."""

    title: str
    text: str

    @property
    def sql(self) -> str:
        """The statement without its title line and final semicolon (for a database API)."""
        return self.text.split("\n", 1)[1].strip().rstrip(";")

    @property
    def dialects(self) -> frozenset[str]:
        named = {dialect for word, dialect in DIALECTS.items() if re.search(rf"\b{word}:", self.title)}
        return frozenset(named or DIALECTS.values())

    @property
    def name(self) -> str:
        """A short identifier from the title: ``articles_per_site_per_day``."""
        return "_".join(re.findall(r"[a-z0-9]+", self.title.lower().replace("'s", "")))


def parse(source: str) -> list[Recipe]:
    recipes = []
    for block in re.split(r"\n\s*\n", source.strip()):
        block = block.strip()
        first = block.split("\n", 1)[0]
        if not first.startswith("-- ") or "\n" not in block:
            raise ValueError(f"a recipe starts with a '-- title' line and has SQL after it: {first!r}")
        recipes.append(Recipe(first[3:].strip(), block + "\n"))
    return recipes


@cache
def recipes() -> tuple[Recipe, ...]:
    """The recipes of ``harvester/recipes.sql``, in order."""
    return tuple(parse((resources.files("harvester") / "recipes.sql").read_text(encoding="utf-8")))
