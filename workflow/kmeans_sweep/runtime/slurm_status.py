"""A small adapter between Slurm's `sacct` and snakemake-executor-plugin-slurm (2.8.0).

The plugin asks `sacct ... --format=JobIdRaw,State` for the state of its jobs and compares the
state with a fixed list. sacct reports a job cancelled by a user or an admin as
``CANCELLED by <uid>``, which matches nothing in that list, so the plugin takes the job for
still running and the whole run waits forever. `workflow/bin/sacct` runs the real sacct and
passes its output through :func:`normalize`, which maps ``CANCELLED by <uid>`` to ``CANCELLED``
and any state the plugin does not know to ``FAILED``; the plugin then reports the job as
failed and Snakemake retries it (the profile's ``retries``). Every other call of sacct is
passed through untouched.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

BIN = Path(__file__).resolve().parents[2] / "bin"
# states the plugin acts on: it reports these as failed ...
FAILED = {"BOOT_FAIL", "CANCELLED", "DEADLINE", "FAILED", "NODE_FAIL", "OUT_OF_MEMORY", "TIMEOUT"}
# ... these as finished or handled, and these as still queued or running
HANDLED = {"COMPLETED", "PREEMPTED", "UNKNOWN", "ERROR"}
ACTIVE = {
    "PENDING",
    "RUNNING",
    "REQUEUED",
    "REQUEUE_FED",
    "REQUEUE_HOLD",
    "RESIZING",
    "SUSPENDED",
    "COMPLETING",
    "CONFIGURING",
    "SIGNALING",
    "STAGE_OUT",
    "STOPPED",
    "RESV_DEL_HOLD",
}


def normalize_state(state: str) -> str:
    """The state the plugin understands for a raw sacct state."""
    word = state.strip().split(" ", 1)[0].rstrip("+")
    if word in FAILED | HANDLED | ACTIVE:
        return word
    return "FAILED"  # e.g. REVOKED, SPECIAL_EXIT, or a state added by a later Slurm


def normalize(output: str) -> str:
    """Rewrite the State column of `sacct --parsable2 --format=JobIdRaw,State` output."""
    lines = []
    for line in output.splitlines():
        job, sep, state = line.partition("|")
        lines.append(f"{job}|{normalize_state(state)}" if sep and state else line)
    return "\n".join(lines) + ("\n" if output.endswith("\n") else "")


def is_status_query(args: list[str]) -> bool:
    return any(a.replace(" ", "") in ("--format=JobIdRaw,State",) for a in args)


def real_sacct() -> str | None:
    """The first `sacct` on PATH that is not this adapter."""
    dirs = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and Path(d) != BIN]
    return shutil.which("sacct", path=os.pathsep.join(dirs))


def use_adapter() -> None:
    """Put the adapter first on PATH (for the plugin's calls), if Slurm's sacct exists."""
    path = os.environ.get("PATH", "")
    if str(BIN) in path.split(os.pathsep) or real_sacct() is None:
        return
    os.environ["PATH"] = str(BIN) + os.pathsep + path


def main(argv: list[str]) -> int:
    import subprocess

    sacct = real_sacct()
    if sacct is None:
        print("sacct: Slurm's sacct is not on PATH", file=sys.stderr)
        return 127
    if not is_status_query(argv):
        os.execv(sacct, [sacct, *argv])
    proc = subprocess.run([sacct, *argv], capture_output=True, text=True)
    sys.stdout.write(normalize(proc.stdout))
    sys.stderr.write(proc.stderr)
    return proc.returncode
