"""A silhouette diagram of the best fit at every k some criterion picks (and the number of
true classes)."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.silhouette_diagrams(
    dataset=snakemake.wildcards.dataset,
    choice_path=snakemake.input.choice,
    fits_path=snakemake.input.fits,
    X_path=snakemake.input.X,
    y_path=snakemake.input.y,
    label_paths=[snakemake.input.labels],
    plots=snakemake.params.plots,
    silhouette_sample_size=snakemake.params.silhouette_sample_size,
    out_diagrams=snakemake.output.diagrams,
)
