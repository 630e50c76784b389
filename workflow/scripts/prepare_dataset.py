"""Load, check and scale one dataset once; fit jobs read the result."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.prepare_dataset(
    snakemake.wildcards.dataset,
    snakemake.params.dataset,
    X_path=snakemake.output.X,
    y_path=snakemake.output.y,
    meta_path=snakemake.output.meta,
)
