"""Benchmarks of sse_dash, kept out of the product package: `make bench` and
`python -m sse_dash bench` run them from a checkout of the repository (benchmarks.runner lists the
scenarios, benchmarks.timing is the one timing helper, benchmarks.readme writes the README table).
"""
