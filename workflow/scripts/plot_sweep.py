"""Elbow, silhouette-vs-k and PCA cluster plots of one dataset."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.plot_sweep(
    fits_path=snakemake.input.fits,
    X_path=snakemake.input.X,
    y_path=snakemake.input.y,
    label_paths=[snakemake.input.labels],
    center_paths=[snakemake.input.centers],
    plots=snakemake.params.plots,
    out_elbow=snakemake.output.elbow,
    out_silhouette=snakemake.output.silhouette,
    out_clusters=snakemake.output.clusters,
    dataset=snakemake.wildcards.dataset,
)
