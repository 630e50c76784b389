"""Every criterion for k side by side, stability across seeds, and a recommendation."""

import _bootstrap  # noqa: F401

from kmeans_sweep import steps
from kmeans_sweep.io import log_to

log_to(snakemake.log[0])
steps.choose_k(
    dataset=snakemake.wildcards.dataset,
    fits_path=snakemake.input.fits,
    gap_path=snakemake.input.gap,
    label_paths=[snakemake.input.labels],
    resampling_path=snakemake.input.resampling[0] if snakemake.input.resampling else None,
    out_csv=snakemake.output.csv,
    out_parquet=snakemake.output.parquet,
    out_html=snakemake.output.html,
    out_stability=snakemake.output.stability,
)
