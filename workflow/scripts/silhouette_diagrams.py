"""A silhouette diagram of the best fit at every k some criterion picks (and the number of
true classes)."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.plot import silhouette_diagrams

run(silhouette_diagrams, snakemake)
