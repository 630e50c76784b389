"""Fit time, inertia relative to the best fit, and agreement with the best lloyd partition of
every swept algorithm, per k: a table (CSV, Parquet, HTML) and a picture."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.compare import compare_algorithms

run(compare_algorithms, snakemake)
