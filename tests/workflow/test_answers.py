"""The answer where the user looks first (issue 27), in real runs: the block at the end of the
run's output (also when nothing had to be done; not with --quiet, not in a dry run), one
aligned line per dataset, "no structure" on noise, and the report's first page.

One finished run of two datasets (iris and 200 x 4 Gaussian noise) is shared by the tests of
this file (a module-scoped fixture); each test after it reruns nothing or a cheap rule."""

from __future__ import annotations

import contextlib
import html
import re

import numpy as np
import pandas as pd
import pytest
from conftest import Workflow, tiny_config

from kmeans_sweep import answers

pytestmark = pytest.mark.slow  # seven snakemake runs after the first, about 40 s in all

DATASETS = ["iris", "gaussian_noise"]
#: a cheap rule of the run to force, so that a run has jobs to do
CHEAP = "landing_page"


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """(the workflow, the first run's process): iris and Gaussian noise, tiny settings.

    The noise is 200 x 4 standard normal (seed 0): unimodal, so the gap statistic's test of
    k = 1 finds no structure (the test is deterministic: seeded fits and references)."""
    path = tmp_path_factory.mktemp("answers")
    (path / "data").mkdir()
    noise = np.random.default_rng(0).normal(size=(200, 4))
    pd.DataFrame(noise, columns=["a", "b", "c", "d"]).to_csv(path / "data" / "noise.csv",
                                                              index=False)
    workflow = Workflow(path)
    workflow.write_config(tiny_config(datasets={
        "iris": {"source": "iris"}, "gaussian_noise": {"source": "data/noise.csv"}}))
    return workflow, workflow.run()


def expected_block(workflow: Workflow) -> str:
    """The block as answers.block renders it from the run's choose_k tables."""
    with contextlib.chdir(workflow.path):
        return answers.block(DATASETS)


def ends_with_block(proc, workflow: Workflow) -> bool:
    return proc.stderr.rstrip().endswith(expected_block(workflow))


def no_block(proc) -> bool:
    return answers.HEADER not in proc.stdout + proc.stderr


def test_the_run_ends_with_the_block(finished):
    workflow, proc = finished
    assert "--quiet" not in proc.args and "-q" not in proc.args  # the block is off under --quiet
    assert ends_with_block(proc, workflow), proc.stderr[-3000:]
    assert proc.stderr.count(answers.HEADER) == 1 and answers.HEADER not in proc.stdout
    # after Snakemake's own last lines ("... steps (100%) done", the log's path)
    before, after = proc.stderr.rsplit(answers.HEADER, 1)
    assert "steps (100%) done" in before and "Complete log" in before
    assert after.rstrip().splitlines()[-1].endswith(answers.REPORT_COMMAND)


def test_one_aligned_line_per_dataset(finished):
    workflow, proc = finished
    block = proc.stderr.rstrip().split(answers.HEADER)[-1].strip("\n").splitlines()
    lines, report = block[:-1], block[-1]
    assert [ln.split(":")[0].strip() for ln in lines] == DATASETS
    assert report == f"  every plot and table, with how to read them: {answers.REPORT_COMMAND}"
    column = len("  gaussian_noise: ")
    for dataset, ln in zip(DATASETS, lines, strict=True):
        assert ln[:column].rstrip() == f"  {dataset}:" and ln[column] != " ", ln
        assert ln.endswith(f"; see results/{dataset}/choose_k.html")
        assert (workflow.results(dataset, "choose_k.html")).exists()
    choice = pd.read_csv(workflow.results("iris", "choose_k.csv")).set_index("criterion")
    rec = choice.loc["recommended"]
    assert lines[0][column:].startswith(f"k = {int(rec['k'])} ({rec['confidence']}): ")


def test_no_structure_on_gaussian_noise(finished):
    workflow, proc = finished
    rec = pd.read_csv(workflow.results("gaussian_noise", "choose_k.csv")).set_index(
        "criterion").loc["recommended"]
    assert (rec["k"], rec["confidence"]) == (1, "no structure"), rec["note"]
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("  gaussian_noise:"))
    assert "k = 1 (no structure): no cluster structure: " in line


def test_nothing_to_do_prints_the_block_again(finished):
    workflow, _ = finished
    again = workflow.run()
    assert "Nothing to be done" in again.stderr
    assert ends_with_block(again, workflow), again.stderr[-3000:]
    assert again.stderr.count(answers.HEADER) == 1


def test_quiet_prints_no_block(finished):
    workflow, _ = finished
    ran = workflow.run("--quiet", "--forcerun", CHEAP)  # a run with a job and one without
    assert workflow.results("report", "landing.rst").exists() and no_block(ran)
    assert no_block(workflow.run("--quiet"))


def test_a_dry_run_prints_no_block(finished):
    workflow, _ = finished
    dry = workflow.run("-n", "--forcerun", CHEAP)
    assert f"rule {CHEAP}:" in dry.stdout + dry.stderr and no_block(dry)
    assert no_block(workflow.run("-n"))


def test_the_report_opens_on_the_answers(finished):
    """The landing page (results/report/landing.rst, and the report's text) holds each
    dataset's recommended k from choose_k.csv, before the workflow's description."""
    workflow, _ = finished
    report = workflow.path / "report.html"
    workflow.run("--report", str(report))
    page = workflow.results("report", "landing.rst").read_text()
    text = html.unescape(re.sub(r"<[^>]+>", " ", report.read_text()))
    for dataset in DATASETS:
        rec = pd.read_csv(workflow.results(dataset, "choose_k.csv")).set_index(
            "criterion").loc["recommended"]
        said = f"{dataset}: recommended k = {int(rec['k'])}"
        assert said in text, said
        for where in (page, text):
            assert where.index(said) < where.index("How it was computed")
    assert page.index("gaussian_noise: recommended k = 1 (no structure)") < page.index(
        "How it was computed")
