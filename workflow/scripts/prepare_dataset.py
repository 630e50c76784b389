"""Load, check and scale one dataset once; fit jobs read the result."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.prepare import prepare_dataset

run(prepare_dataset, snakemake)
