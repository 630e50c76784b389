"""Where a run's time goes: every job's start and end from Snakemake's benchmark files (each
file's wall seconds, ending when the file was written), and the fit jobs' own timers from
their logs (fitting, scoring, the gap statistic's fits, the resampling fits)."""

from __future__ import annotations

import re
from pathlib import Path

from .common import FIT_LINE, benchmark_row

_GAP = re.compile(r"gap statistic fits \(.*?\) in ([\d.]+) s")
_RESAMPLE = re.compile(r"resampling fits \(.*?\) in ([\d.]+) s")


def jobs(path: Path, started: float) -> list[tuple[str, float, float, float]]:
    """(job, start, end, CPU seconds) of every job of the run in ``path``, start and end in
    seconds after ``started`` (the epoch time the run was launched), in the order they
    started."""
    rows = []
    for tsv in path.glob("benchmarks/**/*.tsv"):
        end = tsv.stat().st_mtime - started
        name = str(tsv.relative_to(path / "benchmarks").with_suffix(""))
        row = benchmark_row(tsv)
        rows.append((name, end - float(row["s"]), end, float(row["cpu_time"])))
    return sorted(rows, key=lambda row: (row[1], row[0]))


def fit_timers(log: Path) -> dict[str, float]:
    """A fit job's own timers (seconds): fitting, scoring, gap fits, resampling fits."""
    text = log.read_text()
    out = {}
    if m := FIT_LINE.search(text):
        out.update(fitting=float(m.group(3)), scoring=float(m.group(4)))
    if m := _GAP.search(text):
        out["gap fits"] = float(m.group(1))
    if m := _RESAMPLE.search(text):
        out["resampling fits"] = float(m.group(1))
    return out


def print_timeline(path: Path, started: float, wall: float, cores: int,
                   loop: float | None = None) -> None:
    """One line per job (start, end, seconds, CPU seconds; the fit jobs' timers and the rest:
    the process's start, imports, reading and writing), what is left of the wall time outside
    jobs, and the floor the jobs' CPU time sets on ``cores`` cores."""
    rows = jobs(path, started)
    print(f"   where the time goes ({wall:.1f} s wall; start and end in s after launch):")
    print(f"     {'job':32s} {'start':>6s} {'end':>6s} {'s':>6s} {'CPU s':>6s}  inside")
    for name, start, end, cpu in rows:
        inside = ""
        if "fit_chunk" in name:
            log = path / "logs" / f"{name}.log"
            timers = fit_timers(log) if log.exists() else {}
            rest = (end - start) - sum(timers.values())
            inside = ", ".join(f"{k} {v:.2f}" for k, v in timers.items()) + f", rest {rest:.2f}"
        print(f"     {name:32s} {start:6.2f} {end:6.2f} {end - start:6.2f} {cpu:6.2f}  {inside}")
    if not rows:
        return
    first, last = min(r[1] for r in rows), max(r[2] for r in rows)
    print(f"     before the first job {first:.2f} s (Snakemake's start, parsing, planning); "
          f"after the last {wall - last:.2f} s")
    cpu = sum(r[3] for r in rows)
    floor = first + cpu / cores
    versus = f", {floor / loop:.2f} x the loop" if loop else ""
    print(f"     the jobs' CPU time, {cpu:.1f} s in all, on {cores} cores: no schedule of these "
          f"jobs ends before {first:.1f} + {cpu:.1f} / {cores} = {floor:.1f} s{versus}")
