"""Benchmarks of xcedu-crawler: `python -m benchmarks` runs them all and prints one table."""
