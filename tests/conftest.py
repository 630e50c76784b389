"""Shared fixtures: run the real workflow with `snakemake` in a temporary directory."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))

# A sweep small enough to run in seconds but with every moving part: two inits, several k and
# seeds, true labels, three fit jobs. Resampling is off here (tests/workflow/test_resampling.py
# runs it); RESAMPLING is a small resampling section for the tests that want it on.
TINY = {
    "datasets": {"iris": {"source": "iris"}},
    "sweep": {"k": [2, 3, 4], "init": ["k-means++", "random"], "seeds": [0, 1], "n_init": 1},
    "choose_k": {"gap_references": 3},
    "resampling": {"resamples": 0},
    "plots": {"dpi": 60, "width": 6, "height": 4},
    "fits_per_job": 5,
}


RESAMPLING = {"resamples": 6, "null_references": 2, "prediction_strength_splits": 3}


def tiny_config(**overrides) -> dict:
    import copy

    config = copy.deepcopy(TINY)
    for key, value in overrides.items():
        config[key] = value
    return config


class Workflow:
    """A working directory with its own config.yaml, and the workflow (the repository's
    Snakefile, or ``snakefile``) run against it."""

    def __init__(self, path: Path, snakefile: Path | None = None):
        self.path = path
        self.snakefile = snakefile or REPO / "Snakefile"

    def write_config(self, config) -> None:
        text = config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False)
        (self.path / "config.yaml").write_text(text)

    def run(self, *args, check=True, timeout=600, env=None) -> subprocess.CompletedProcess:
        cmd = [SNAKEMAKE, "-s", str(self.snakefile), "-d", str(self.path), *args]
        if not any(a.startswith(("--cores", "-c")) for a in args):
            cmd += ["--cores", "2"]
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=self.path
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"snakemake failed ({proc.returncode}): {' '.join(cmd)}\n"
                f"--- stdout\n{proc.stdout[-4000:]}\n--- stderr\n{proc.stderr[-8000:]}"
            )
        return proc

    def dry_run(self, *args) -> str:
        return self.run("-n", "--quiet", "rules", *args).stdout

    def results(self, *parts) -> Path:
        return self.path.joinpath("results", *parts)

    def logs(self, *parts) -> Path:
        return self.path.joinpath("logs", *parts)

    def clear_logs(self) -> None:
        import shutil

        shutil.rmtree(self.path / "logs", ignore_errors=True)

    def item_counts(self, dataset: str, what: str) -> tuple[int, int]:
        """(computed, cached) of the gap statistic's or the resampling's fits (``what``),
        summed over the fit job logs of the last run of each job."""
        computed = cached = 0
        for log in sorted(self.logs(dataset).glob("fit_chunk*.log")):
            for new, old in re.findall(rf"{what} fits \((\d+) new, (\d+) from the cache\)",
                                       log.read_text()):
                computed, cached = computed + int(new), cached + int(old)
        return computed, cached

    def fit_counts(self, dataset: str) -> tuple[int, int]:
        """(computed, cached) summed over the fit job logs of the last run of each job."""
        computed = cached = 0
        for log in sorted(self.logs(dataset).glob("fit_chunk*.log")):
            for line in log.read_text().splitlines():
                if "computed," in line:
                    words = line.split(": ", 1)[1].split()
                    computed += int(words[2])
                    cached += int(words[4])
        return computed, cached


def default_sigint() -> None:
    """``preexec_fn`` of a process a test sends SIGINT: SIGINT back to its default.

    A test run started with SIGINT ignored (``nohup ... &``, a backgrounded CI step) hands
    the ignored signal down to every process it starts, and Python keeps it ignored, so a
    test's SIGINT would never arrive. Set in the child before exec, the default disposition
    makes the program install its own handler again, as it does when started from a shell."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def workflow(tmp_path) -> Workflow:
    return Workflow(tmp_path)


LONG = ("slow", "slurm")  # markers of the tests that run the workflow for a minute or more


def pytest_collection_modifyitems(config, items):
    """Run the long tests first: with pytest-xdist, a long test collected last would run on
    one worker while the others sit idle (the suite took 21 min instead of about 16)."""
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in LONG))


def assert_png(path, min_bytes=5_000):
    assert path.exists(), path
    assert path.stat().st_size > min_bytes, f"{path} is suspiciously small"
    from matplotlib.image import imread

    img = imread(path)
    assert img.ndim == 3 and img.shape[0] > 200 and img.shape[1] > 300
    # not blank: many distinct colours and real variation
    assert img[..., :3].std() > 0.05, f"{path} looks blank"
    assert len(np.unique(img[..., :3].reshape(-1, 3), axis=0)) > 50
