"""Config edits rerun exactly what they touch (issue: incremental reruns), and the report."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import Workflow, tiny_config

TIMINGS = ["fit_seconds", "score_seconds"]
CSV = "a,b,c,label\n" + "\n".join(
    f"{(i * 7) % 11}.5,{(i * 3) % 5}.25,{i % 4}.0,{'xyz'[i % 3]}" for i in range(40)
)


def planned_jobs(wf: Workflow) -> dict[str, set[str]]:
    """{rule: {dataset, ...}} of the jobs `snakemake -n` would run."""
    jobs: dict[str, set[str]] = {}
    proc = wf.run("-n")
    text = proc.stdout + proc.stderr
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", text):
        m = re.match(r"(?:local)?rule (\w+):", block.strip())
        if not m:
            continue
        ds = re.search(r"wildcards: .*?dataset=([\w-]+)", block)
        jobs.setdefault(m.group(1), set()).add(ds.group(1) if ds else "")
    jobs.pop("all", None)
    return jobs


def fits(wf: Workflow, dataset="iris") -> pd.DataFrame:
    return pd.read_parquet(wf.results(dataset, "fits.parquet"))


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["dataset", "k", "init", "seed"]).sort_index()


def table_targets(config: dict) -> list[str]:
    """Every dataset's fits and tables: what the edits here are about. The plots' reruns are
    checked in the dry-run plans, and a full run at the end leaves nothing to do."""
    names = ("fits.parquet", "summary.csv", "choose_k.csv")
    return [f"results/{ds}/{name}" for ds in config["datasets"] for name in names]


def run_edit(wf: Workflow, config: dict) -> tuple[int, int]:
    """Apply a config edit and run up to the tables; returns iris's (computed, cached) fits."""
    wf.write_config(config)
    wf.clear_logs()
    wf.run(*table_targets(config))
    return wf.fit_counts("iris")


def first_run(workflow) -> dict:
    """The tiny config plus a CSV dataset with labels, run once: nothing is left to do."""
    config = tiny_config()
    config["datasets"]["mine"] = {"source": "mine.csv", "label_column": "label"}
    (workflow.path / "mine.csv").write_text(CSV)
    workflow.write_config(config)
    workflow.run()
    assert workflow.fit_counts("iris") == (12, 0)
    assert planned_jobs(workflow) == {}  # nothing changed: nothing to do
    return config


@pytest.mark.slow
def test_sweep_edits_compute_only_new_fits(workflow):
    config = first_run(workflow)
    first = keyed(fits(workflow))
    mine_first = keyed(fits(workflow, "mine"))

    # add one k: only its 4 fits are computed; the other rows are served unchanged
    config["sweep"]["k"] = [2, 3, 4, 5]
    workflow.write_config(config)
    plan = planned_jobs(workflow)
    assert "prepare_dataset" not in plan
    assert plan["fit_chunk"] == {"iris", "mine"}  # same config for both datasets
    assert {"aggregate_fits", "plot_sweep", "choose_k"} <= set(plan)
    computed, cached = run_edit(workflow, config)
    assert computed == 4 and computed + cached == 16
    after = keyed(fits(workflow))
    assert len(after) == 16
    pd.testing.assert_frame_equal(after.loc[first.index], first)  # timings included
    assert keyed(fits(workflow, "mine")).loc[mine_first.index].equals(mine_first)

    # add one seed: only the 8 new fits
    config["sweep"]["seeds"] = [0, 1, 2]
    computed, cached = run_edit(workflow, config)
    assert (computed, cached) == (8, 16)
    grown = keyed(fits(workflow))
    assert len(grown) == 24

    # remove a k and a seed: nothing is computed, the tables no longer contain them
    config["sweep"]["k"] = [2, 3, 4]
    config["sweep"]["seeds"] = [0, 1]
    computed, _ = run_edit(workflow, config)
    assert computed == 0
    shrunk = keyed(fits(workflow))
    pd.testing.assert_frame_equal(shrunk, first)
    summary = pd.read_csv(workflow.results("iris", "summary.csv"))
    assert sorted(summary["k"].unique()) == [2, 3, 4]
    choice = pd.read_csv(workflow.results("iris", "choose_k.csv"))
    assert choice["k"].dropna().isin([2, 3, 4]).all()
    workflow.clear_logs()
    workflow.run()  # the plots of the edited sweep: no fit job runs, nothing is left to do
    assert workflow.fit_counts("iris") == (0, 0) and planned_jobs(workflow) == {}
