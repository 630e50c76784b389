"""The report's first page: the answer for every dataset, then the workflow's description."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import run
from kmeans_sweep.steps.answers import landing_page

run(landing_page, snakemake)
