"""What the sections share: the config to time, a fresh folder per run, snakemake timed, and
readers of what a run leaves behind (the fit jobs' logs, Snakemake's benchmark files)."""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))

#: the config the sections start from (``--config``; by default the repository's)
CONFIG = REPO / "config.yaml"


#: the checkout whose Snakefile runs (``--workflow``; by default this one)
WORKFLOW = REPO


def use_workflow(path: Path) -> None:
    """Time the workflow of another checkout (an earlier commit's worktree, say) instead."""
    global WORKFLOW
    WORKFLOW = path.resolve()


def use_config(path: Path) -> None:
    """Time ``path`` instead of the repository's config.yaml."""
    global CONFIG
    CONFIG = path.resolve()


def config_path() -> Path:
    return CONFIG


def default_config() -> dict:
    return yaml.safe_load(CONFIG.read_text())


def without_resampling(config: dict) -> dict:
    """The config with the resampling evidence off (the loop does not resample)."""
    return {**config, "resampling": {**config.get("resampling", {}), "resamples": 0}}


def write_config(path: Path, config: dict) -> None:
    """``config`` as the run folder's config.yaml, its fit cache inside the folder."""
    config = {**config, "cache_dir": "results/.cache"}
    (path / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))


def workdir(config: dict) -> Path:
    """A fresh temporary folder holding ``config``."""
    path = Path(tempfile.mkdtemp(prefix="kmeans-sweep-bench-"))
    write_config(path, config)
    return path


def timed(cmd, cwd=None, env=None) -> tuple[float, subprocess.CompletedProcess]:
    """Wall seconds of ``cmd`` and its result; exits with its output if it fails."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed, proc


def snakemake(path: Path, *args) -> tuple[float, subprocess.CompletedProcess]:
    """The workflow run in ``path`` with ``args``, timed."""
    return timed([SNAKEMAKE, "-s", str(WORKFLOW / "Snakefile"), "-d", str(path), *args],
                 cwd=path)


# --- the fit jobs' logs -----------------------------------------------------------------------


#: a fit job's closing line on its sweep fits: computed, from the cache, fitting and scoring s
FIT_LINE = re.compile(
    r"(\d+) computed, (\d+) from the cache, in [\d.]+ s \(fitting ([\d.]+) s, scoring ([\d.]+) s"
)


def fit_counts(path: Path) -> tuple[int, int, float, float]:
    """Fits computed, fits from the cache, fitting and scoring seconds: the fit jobs' logs."""
    computed = cached = 0
    fit_s = score_s = 0.0
    for log in path.glob("logs/*/fit_chunk*.log"):
        for m in FIT_LINE.finditer(log.read_text()):
            computed += int(m.group(1))
            cached += int(m.group(2))
            fit_s += float(m.group(3))
            score_s += float(m.group(4))
    return computed, cached, fit_s, score_s


def estimate_errors(path: Path) -> list[tuple[float, float]]:
    """(estimated, actual) seconds of work of every fit job, from their logs."""
    pat = re.compile(r"estimated ([\d.]+) s, took ([\d.]+) s of fitting and scoring")
    pairs = []
    for log in sorted(path.glob("logs/*/fit_chunk*.log")):
        pairs += [(float(a), float(b)) for a, b in pat.findall(log.read_text())]
    return pairs


def print_estimate_errors(path: Path, note: str) -> None:
    """The cost model's estimate beside each fit job's actual work (fits, scores, gap fits)."""
    pairs = estimate_errors(path)
    errors = [abs(est - act) / act for est, act in pairs if act > 0] or [float("nan")]
    print(
        "   cost model, estimated / actual seconds of work per job: "
        + ", ".join(f"{est:.2f}/{act:.2f}" for est, act in pairs)
    )
    print(
        f"   median error {100 * statistics.median(errors):.0f}%, "
        f"largest {100 * max(errors):.0f}% (calibration: defaults, empty cache"
        + (f"; {note})" if note else ")")
    )


_LEFT = re.compile(r"(\d+)/(\d+) fits done .*?, ([\d.]+) s elapsed, about ([\d.]+) s left")


def time_left_errors(path: Path, window=(0.1, 0.9), min_done: float = 0.0) -> list[float]:
    """The progress lines' "about X s left" against the truth (the job's last line's elapsed
    time minus the line's), as relative errors, for every line of every fit job logged within
    ``window`` of its job's duration with at least ``min_done`` of its items done."""
    errors = []
    for log in sorted(path.glob("logs/*/fit_chunk*.log")):
        lines = [tuple(map(float, m)) for m in _LEFT.findall(log.read_text())]
        if not lines or lines[-1][0] < lines[-1][1]:
            continue
        end = lines[-1][2]
        errors += [(left - (end - at)) / (end - at) for done, total, at, left in lines
                   if min_done * total <= done < total and window[0] * end <= at <= window[1] * end]
    return errors


def print_time_left_errors(path: Path) -> None:
    """Every line within 10-90 % of its job, and those with a tenth of the items done (at a
    million rows, the resampling items: 86 % of a job's items, run last)."""
    for what, share in (("every line", 0.0), ("a tenth of the items done", 0.1)):
        errors = time_left_errors(path, min_done=share)
        if not errors:
            print(f"   progress lines ({what}): none logged within 10-90 % of a fit job")
            continue
        worst = max(errors, key=abs)
        print(f"   progress lines' time left against the truth, {what} ({len(errors)} lines "
              f"within 10-90 % of each fit job): median error "
              f"{100 * statistics.median(map(abs, errors)):.0f} %, largest {100 * worst:+.0f} % "
              "(target within 30 %)")


# --- Snakemake's benchmark files --------------------------------------------------------------


def benchmark_row(tsv: Path) -> dict:
    """The first row of one benchmark file: {column: value}."""
    header, values = tsv.read_text().splitlines()[:2]
    return dict(zip(header.split("\t"), values.split("\t"), strict=True))


def benchmark_rows(path: Path, pattern: str) -> dict[str, dict]:
    """Snakemake's benchmark files matching ``pattern``: {job: {column: value}}."""
    files = sorted(path.glob(f"benchmarks/*/{pattern}.tsv"))
    return {tsv.stem: benchmark_row(tsv) for tsv in files}


def job_peaks(path: Path) -> dict[str, float]:
    """Peak RSS (MiB) of every job, from Snakemake's benchmark files."""
    return {name: float(row["max_rss"]) for name, row in benchmark_rows(path, "*").items()}


def print_run(path: Path, seconds: float, width: int) -> tuple[dict[str, float], str]:
    """Print a run's wall time and every job's peak memory; (the peaks, the largest's job)."""
    peaks = job_peaks(path)
    print(f"   wall time {seconds:.1f} s")
    for name, mb in peaks.items():
        print(f"   peak memory {name:{width}s} {mb / 1024:5.2f} GiB")
    return peaks, max(peaks, key=peaks.get)


def job_seconds(path: Path) -> dict[str, float]:
    """Wall seconds of every job, from Snakemake's benchmark files."""
    return {
        f"{tsv.parent.name}/{tsv.stem}": float(benchmark_row(tsv)["s"])
        for tsv in sorted(path.glob("benchmarks/*/*.tsv"))
    }
