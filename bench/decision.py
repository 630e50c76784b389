"""The workflow's own decision on one dataset, in one process: the steps of every rule
(``kmeans_sweep.steps``) called in the DAG's order on one fit job that holds every item
(its files under ``folder/fits/``, as the workflow's),
with the config's defaults, so a bench can judge the answer on hundreds of datasets without
a Snakemake start per job. Same functions, same settings, same tables as a workflow run
(Snakemake only schedules them)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np


def default_config(ks, overrides: dict | None = None) -> dict:
    """The schema's defaults with ``sweep.k = ks`` and ``overrides`` ({section: {key: v}})."""
    from kmeans_sweep.config import fill_defaults

    config = {"datasets": {}, "sweep": {"k": list(ks)}}
    for section, values in (overrides or {}).items():
        config.setdefault(section, {}).update(values)
    return fill_defaults(config)


def decide(name: str, X: np.ndarray, y: np.ndarray | None, ks, folder,
           overrides: dict | None = None):
    """The choose_k table of ``X`` (already scaled as the config says) over ``ks``."""
    from kmeans_sweep import io

    folder = Path(folder)
    config = default_config(ks, overrides)
    io.write_npy(np.ascontiguousarray(X, dtype=np.float64), folder / "X.npy")
    io.write_npy(np.zeros(0, np.int64) if y is None else np.asarray(y), folder / "y.npy")
    plan = _plan(config, X.shape)
    _fit(name, folder, plan)
    _aggregate(name, folder, config, plan)
    if plan["resample"]["items"]:
        _resampling(name, folder, plan, ks)
    return _choose(name, folder, bool(plan["resample"]["items"]))


def _plan(config: dict, shape) -> dict:
    """What the one fit job runs: every sweep fit, gap item and resampling item."""
    from kmeans_sweep import config as cfg
    from kmeans_sweep.fit import gap
    from kmeans_sweep.jobs import plan, resample_items

    sweep, n = config["sweep"], shape[0]
    gap_ks, gap_settings = cfg.gap_ks(config), cfg.gap_settings(config)
    refs = config["choose_k"]["gap_references"]
    gap_items = gap.gap_items(gap_ks, refs, gap.gap_points(n, gap_settings["sample_size"]))
    resampling = cfg.resampling_settings(config)
    res_items = resample_items.resample_items(sweep["k"], n, resampling)
    return {
        "fits": plan.fit_grid(sweep, plan.pca_max_k(*shape)),
        "settings": cfg.fit_settings(config),
        "gap": {"items": [list(i) for i in gap_items], **gap_settings},
        "resample": {"items": [list(i) for i in res_items], **resampling},
        "gap_ks": gap_ks, "gap_references": refs,
        "inits": sweep["init"], "algorithms": sweep.get("algorithm", ["lloyd"]),
    }


def _fit(name, folder, plan) -> None:
    from kmeans_sweep.steps import names
    from kmeans_sweep.steps.fit import fit_chunk

    out = {kind: folder / "fits" / f"chunk0.{kind}.parquet" for kind in ("fits", "labels",
                                                                          "centers", "gap")}
    out["resample"] = folder / "fits" / "chunk0.resample.npz"
    params = names(fits=plan["fits"], settings=plan["settings"], gap=plan["gap"],
                   resample=plan["resample"])
    fit_chunk(names(X=folder / "X.npy", y=folder / "y.npy"), names(**out), params,
              names(dataset=name, chunk="0"), cache_dir=None)


def _aggregate(name, folder, config, plan) -> None:
    from kmeans_sweep.steps import names
    from kmeans_sweep.steps.aggregate import aggregate_fits

    chunk = {k: [str(folder / "fits" / f"chunk0.{k}.parquet")] for k in ("fits", "labels",
                                                                          "centers", "gap")}
    chunk["resample"] = [str(folder / "fits" / "chunk0.resample.npz")]
    out = names(fits=folder / "fits.parquet", summary=folder / "summary.csv",
                summary_parquet=folder / "summary.parquet", labels=folder / "labels.parquet",
                centers=folder / "centers.parquet", gap=folder / "gap.parquet")
    params = names(init_order=plan["inits"], algorithm_order=plan["algorithms"],
                   gap_ks=plan["gap_ks"], gap_references=plan["gap_references"])
    aggregate_fits(names(**chunk), out, params, names(dataset=name))


def _resampling(name, folder, plan, ks) -> None:
    from kmeans_sweep.steps import names
    from kmeans_sweep.steps.resampling import resampling

    settings = {k: v for k, v in plan["resample"].items() if k != "items"}
    out = names(table=folder / "resampling.parquet", csv=folder / "resampling.csv",
                html=folder / "resampling.html", cdf=folder / "consensus_cdf.parquet",
                clusters=folder / "cluster_stability.parquet",
                item_consensus=folder / "item_consensus.parquet",
                matrices=folder / "consensus_sample.npz")
    inputs = names(results=[str(folder / "fits" / "chunk0.resample.npz")],
                   fits=[str(folder / "fits" / "chunk0.fits.parquet")],
                   labels=[str(folder / "fits" / "chunk0.labels.parquet")])
    params = names(settings=copy.deepcopy(settings), ks=list(ks), init_order=plan["inits"],
                   algorithm_order=plan["algorithms"])
    resampling(inputs, out, params, names(dataset=name))


def _choose(name, folder, with_resampling: bool):
    from kmeans_sweep.steps import names
    from kmeans_sweep.steps.choose_k import choose_k

    inputs = names(fits=folder / "fits.parquet", gap=folder / "gap.parquet",
                   labels=folder / "labels.parquet",
                   resampling=[str(folder / "resampling.parquet")] if with_resampling else [])
    out = names(csv=folder / "choose_k.csv", parquet=folder / "choose_k.parquet",
                html=folder / "choose_k.html", stability=folder / "stability.parquet")
    return choose_k(inputs, out, names(), names(dataset=name))
