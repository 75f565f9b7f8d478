"""Benchmarks (`make bench`): each module has run(workdir) that prints its figures."""
