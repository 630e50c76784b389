"""Elbow, silhouette-vs-k and PCA cluster plots of one dataset (marking choose_k's picks),
and the summary table as HTML for the report."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.plot_sweep(
    fits_path=snakemake.input.fits,
    summary_path=snakemake.input.summary,
    choice_path=snakemake.input.choice,
    gap_path=snakemake.input.gap,
    stability_path=snakemake.input.stability,
    X_path=snakemake.input.X,
    y_path=snakemake.input.y,
    meta_path=snakemake.input.meta,
    label_paths=[snakemake.input.labels],
    center_paths=[snakemake.input.centers],
    plots=snakemake.params.plots,
    out_elbow=snakemake.output.elbow,
    out_silhouette=snakemake.output.silhouette,
    out_clusters=snakemake.output.clusters,
    out_criteria=snakemake.output.criteria,
    out_stability=snakemake.output.stability_plot,
    out_summary_html=snakemake.output.summary_html,
    dataset=snakemake.wildcards.dataset,
)
