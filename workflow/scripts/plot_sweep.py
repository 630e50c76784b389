"""Elbow, silhouette-vs-k, criteria, stability and PCA cluster plots of one dataset (marking
choose_k's picks), and the summary table as HTML for the report."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.plot import plot_sweep

run(plot_sweep, snakemake)
