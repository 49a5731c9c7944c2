"""The article-extraction-benchmark metric: token 4-gram shingles, averaged precision and recall.

Tokens are the matches of ``\\w+`` (Unicode, case kept); each text is a multiset of shingles of 4
consecutive tokens (a text of 1-3 tokens is one short shingle). Precision is averaged over pages
with a non-empty prediction, recall over pages with a non-empty reference; F1 is the harmonic
mean of the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    if not words:
        return Counter()
    if len(words) < SHINGLE:
        return Counter([tuple(words)])
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


@dataclass(frozen=True)
class PageScore:
    """One page: shingle counts, and whether the prediction was empty / equal to the reference."""

    tp: int
    fp: int
    fn: int
    empty: bool
    exact: bool

    @property
    def precision(self) -> float | None:
        return None if self.empty else self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def score_page(predicted: str | None, reference: str) -> PageScore:
    pred, ref = shingles(predicted or ""), shingles(reference)
    tp = sum((pred & ref).values())
    return PageScore(
        tp=tp,
        fp=sum(pred.values()) - tp,
        fn=sum(ref.values()) - tp,
        empty=not pred,
        exact=bool(pred) and tokens(predicted or "") == tokens(reference),
    )


@dataclass
class Summary:
    """Averages over a set of pages."""

    scores: list[PageScore] = field(default_factory=list)
    failures: int = 0  # raised, or returned a non-article / nothing
    seconds: float = 0.0

    @property
    def precision(self) -> float:
        values = [s.precision for s in self.scores if s.precision is not None]
        return sum(values) / len(values) if values else 0.0

    @property
    def recall(self) -> float:
        values = [s.recall for s in self.scores if s.recall is not None]
        return sum(values) / len(values) if values else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def empties(self) -> int:
        return sum(s.empty for s in self.scores)

    @property
    def exact_share(self) -> float:
        return sum(s.exact for s in self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / len(self.scores) if self.scores else 0.0
