"""Guildhall benchmarks: speed as ratios against a bare baseline measured in the same run (see README.md)."""
