"""Section 5, fan-out: the default sweep at --cores 8 (even on a smaller machine: the plan is
what counts): how many fit jobs, the parallelism the plan allows, the cost model's error."""

from __future__ import annotations

import os
import shutil

from .common import benchmark_rows, default_config, print_estimate_errors, snakemake, workdir


def fan_out(cores: int = 8) -> None:
    config = default_config()
    path = workdir(config)
    t, _ = snakemake(path, "--cores", str(cores))
    jobs = benchmark_rows(path, "fit_chunk*")
    cpu = {name: float(row["cpu_time"]) for name, row in jobs.items()}
    print(f"== 5. fan-out: the default sweep at --cores {cores} ({t:.1f} s wall on this machine)")
    print(
        f"   {len(jobs)} fit jobs; fit CPU {sum(cpu.values()):.1f} s / largest job "
        f"{max(cpu.values()):.1f} s = {sum(cpu.values()) / max(cpu.values()):.1f} "
        f"(target: >= 8 jobs, >= 6)"
    )
    busy = f"{cores} jobs on {os.cpu_count()} cores: each job's wall-clock work is stretched"
    print_estimate_errors(path, busy if cores > (os.cpu_count() or 1) else "")
    shutil.rmtree(path, ignore_errors=True)
