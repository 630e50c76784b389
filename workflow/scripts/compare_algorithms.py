"""Fit time, inertia relative to the best fit, and agreement with the best lloyd partition of
every swept algorithm, per k: a table (CSV, Parquet, HTML) and a picture."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.compare_algorithms(
    dataset=snakemake.wildcards.dataset,
    fits_path=snakemake.input.fits,
    label_paths=[snakemake.input.labels],
    skipped=snakemake.params.skipped,
    plots=snakemake.params.plots,
    out_csv=snakemake.output.csv,
    out_parquet=snakemake.output.parquet,
    out_html=snakemake.output.html,
    out_plot=snakemake.output.plot,
)
