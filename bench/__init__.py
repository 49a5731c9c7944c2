"""Quality benchmarks of the extractor (not shipped in the package)."""
