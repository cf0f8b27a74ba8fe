"""Benchmarks: each module has ``run(smoke=False) -> list[Figure]`` and prints its table when run alone."""
