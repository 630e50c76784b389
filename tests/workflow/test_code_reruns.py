"""A code change reaches existing results, and only the results it can change (issue 28).

Every rule passes ``code=step_code("<module>")`` (workflow/rules/common.smk): a hash of
steps/<module>.py and every package module it imports (kmeans_sweep/sources.py). Here the
workflow runs once from a copy of the repository; then a module of the copy is edited (a
comment appended: a harmless edit, new bytes all the same) and ``snakemake -n`` must list
exactly the rules that import it and the rules downstream of them. The fits themselves are
keyed by their own code hash (jobs/cache.py): an edit in fit/ recomputes them (which also
shows that the jobs import the copy's package, not the repository's).
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, RESAMPLING, Workflow, tiny_config

pytestmark = pytest.mark.slow  # the real workflow, three times
#: every rule of the tiny run (resampling on, one algorithm)
EVERY_RULE = {
    "prepare_dataset", "fit_chunk", "aggregate_fits", "choose_k", "resampling",
    "compare_algorithms", "plot_sweep", "silhouette_diagrams", "plot_resampling",
    "landing_page", "all",
}
#: the picture rules, and the report's first page, which shows criteria.png
PICTURES = {"plot_sweep", "silhouette_diagrams", "plot_resampling", "landing_page"}
CONFIG = tiny_config(resampling=RESAMPLING)


class Copy(Workflow):
    """A working directory run by a copy of the repository's workflow, which tests may edit."""

    def __init__(self, path: Path):
        self.repo = path / "repo"
        super().__init__(path / "run", snakefile=self.repo / "Snakefile")
        self.path.mkdir()
        self.repo.mkdir()
        shutil.copy(REPO / "Snakefile", self.repo)
        for folder in ("workflow", "profiles"):
            shutil.copytree(REPO / folder, self.repo / folder,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    def module(self, name: str) -> Path:
        return self.repo / "workflow" / "kmeans_sweep" / name

    @contextlib.contextmanager
    def edited(self, name: str):
        """The module with a comment appended, restored afterwards."""
        path = self.module(name)
        original = path.read_bytes()
        path.write_bytes(original + b"\n# an edit that changes no behaviour\n")
        try:
            yield
        finally:
            path.write_bytes(original)

    def would_run(self) -> set[str]:
        """The rules ``snakemake -n`` would run now (none when nothing is to be done)."""
        out = self.run("-n")
        return set(re.findall(r"^(?:local)?rule (\w+):", out.stdout, flags=re.M))


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> Copy:
    run = Copy(tmp_path_factory.mktemp("code_reruns"))
    run.write_config(CONFIG)
    run.run()
    assert run.would_run() == set()
    return run


def test_an_untouched_repeat_run_does_nothing(finished):
    proc = finished.run()
    assert "Nothing to be done" in proc.stdout + proc.stderr
    assert finished.would_run() == set()


def test_an_edit_in_choose_reruns_choose_k_resampling_and_the_pictures(finished):
    with finished.edited("choose/resampling/picks.py"):
        rules = finished.would_run()
    assert rules == {"choose_k", "resampling", *PICTURES, "all"}
    assert not rules & {"prepare_dataset", "fit_chunk", "aggregate_fits", "compare_algorithms"}
    assert finished.would_run() == set()  # restored: nothing again


def test_an_edit_in_plots_reruns_the_pictures_only(finished):
    with finished.edited("plots/curves.py"):
        assert finished.would_run() == {*PICTURES, "all"}
    with finished.edited("plots/comparison.py"):
        assert finished.would_run() == {"compare_algorithms", "all"}


def test_code_no_step_imports_reruns_nothing(finished):
    """config.py is read when the workflow is parsed (common.smk), by no step."""
    with finished.edited("config.py"):
        assert finished.would_run() == set()


def test_an_edit_in_jobs_reruns_the_fit_jobs_and_what_follows(finished):
    """jobs/runner.py runs the fits but is in no cache key: the fit jobs rerun, their fits
    come from the cache (the last test shows it: the fit path back as before, 0 computed)."""
    with finished.edited("jobs/runner.py"):
        assert finished.would_run() == EVERY_RULE - {"prepare_dataset"}


def test_an_edit_in_fit_refits(finished):
    """fit/scores.py is in every fit's cache key: the fits are computed anew, not served."""
    with finished.edited("fit/scores.py"):
        rules = finished.would_run()
        assert "fit_chunk" in rules and "prepare_dataset" not in rules
        finished.clear_logs()
        finished.run()
        assert finished.fit_counts("iris") == (3 * 2 * 2, 0)
        # each kind of fit by its own key: the gap's (gap.py alone) are served from the
        # cache, the resampling's (the fit path, scores.py included, and resample.py) not
        computed, cached = finished.item_counts("iris", "gap statistic")
        assert computed == 0 < cached
        computed, cached = finished.item_counts("iris", "resampling")
        assert computed > 0 == cached
    finished.clear_logs()
    finished.run()  # the code of before: its fits are still in the cache under its key
    assert finished.fit_counts("iris") == (0, 3 * 2 * 2)
    assert finished.item_counts("iris", "resampling")[0] == 0
