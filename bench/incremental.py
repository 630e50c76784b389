"""Section 3, incremental reruns: in section 1's last workflow run, add one k, then one seed,
then change --cores: wall time, fits computed and fits from the cache."""

from __future__ import annotations

import shutil

from .common import fit_counts, snakemake, write_config


def incremental(result: dict, cores: int) -> None:
    """``result``: what section 1 returned (its folder is removed here)."""
    path, config = result["path"], result["config"]
    n = result["n_fits"]
    print("== 3. incremental reruns after that run")
    for what, change in (
        ("one more k", lambda c: c["sweep"]["k"].append(max(c["sweep"]["k"]) + 1)),
        ("one more seed", lambda c: c["sweep"]["seeds"].append(max(c["sweep"]["seeds"]) + 1)),
    ):
        change(config)
        write_config(path, config)
        shutil.rmtree(path / "logs", ignore_errors=True)
        t, _ = snakemake(path, "--cores", str(cores))
        computed, cached, _, _ = fit_counts(path)
        print(
            f"   {what}: {t:5.1f} s, {computed} fits computed, {cached} served from the cache "
            f"(existing fits recomputed: 0 of {n})"
        )
        n += computed
    shutil.rmtree(path / "logs", ignore_errors=True)
    other = 1 if cores > 1 else 2
    t, _ = snakemake(path, "--cores", str(other))
    computed, cached, _, _ = fit_counts(path)
    what = "fit jobs re-split" if computed + cached else "same fit jobs, nothing rerun"
    print(
        f"   --cores {other} instead of {cores}: {t:5.1f} s, {computed} fits computed, "
        f"{cached} from the cache ({what})"
    )
    shutil.rmtree(path, ignore_errors=True)
