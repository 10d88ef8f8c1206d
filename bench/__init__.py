"""Benchmarks (`make bench`): figures go to docs/PERFORMANCE.md, never into timed tests."""
