"""Section 4, planning: `snakemake -n` on a 100,000-fit grid beside the default grid."""

from __future__ import annotations

import shutil

from .common import default_config, snakemake, workdir


def planning() -> None:
    config = default_config()
    config["sweep"].update(
        k=list(range(2, 102)), init=["k-means++", "random"], seeds=list(range(500))
    )
    path = workdir(config)
    small = workdir(default_config())
    for cores in (1, 64):
        t, _ = snakemake(path, "-n", "--quiet", "rules", "--cores", str(cores))
        t0, _ = snakemake(small, "-n", "--quiet", "rules", "--cores", str(cores))
        print(
            f"== 4. planning: `snakemake -n --cores {cores}` on a 100,000-fit grid took {t:.1f} s "
            f"(the default 570-fit grid: {t0:.1f} s); target < 10 s"
        )
    shutil.rmtree(path, ignore_errors=True)
    shutil.rmtree(small, ignore_errors=True)
