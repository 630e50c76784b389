"""Run one job's share of the sweep, of the gap statistic's fits and of the resampling fits
(each from the cache when it is already known)."""

import _bootstrap  # noqa: F401

from kmeans_sweep.steps import fit

fit.run(snakemake)
