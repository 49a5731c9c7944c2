"""URL helpers of extraction: the project's one canonical form (``harvester.urls``)."""

from harvester.urls import absolute_url, canonical_url

__all__ = ["absolute_url", "canonical_url"]
