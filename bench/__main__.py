"""The command line: ``python -m bench [flags]`` from the repository's root (see the package's
docstring for what each section measures)."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from . import __doc__ as OVERVIEW
from . import common
from .algorithms import algorithms
from .answer import answer
from .fan_out import fan_out
from .incremental import incremental
from .overhead import overhead
from .planning import planning
from .resampling_cost import resampling_cost
from .resampling_million import resampling_million
from .scale import scale
from .ten_million import ten_million
from .wide import wide

#: the flags that run one section alone, in the order they are tried: (flag, section, help)
ALONE = (
    ("--ten-million", ten_million, "run only the 10,000,000-row run (section 7)"),
    ("--algorithms", algorithms, "run only the algorithm comparison (section 8)"),
    (
        "--resampling-million",
        resampling_million,
        "run only the resampling run on 1,000,000 x 32 blobs (section 9)",
    ),
    ("--wide", wide, "run only the 400 x 20,000 wide data run (section 10)"),
    (
        "--answer",
        answer,
        "run only the answer on the real labelled panel and synthetic sets (section 11)",
    ),
)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=OVERVIEW.splitlines()[0])
    p.add_argument("--cores", type=int, default=os.cpu_count())
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--skip-scale", action="store_true", help="skip the 1M-point run (section 6)")
    p.add_argument(
        "--default-run",
        action="store_true",
        help="run only sections 1 and 2 (the loop, the default run without and with "
        "resampling, where its time goes)",
    )
    p.add_argument(
        "--skip-resampling",
        action="store_true",
        help="skip the resampling on/off runs (section 2)",
    )
    for flag, _, help_text in ALONE:
        p.add_argument(flag, action="store_true", help=help_text)
    p.add_argument(
        "--config",
        type=Path,
        default=common.CONFIG,
        help="the sweep to time (default: config.yaml)",
    )
    p.add_argument(
        "--workflow",
        type=Path,
        default=common.REPO,
        help="the checkout whose workflow runs (default: this one; e.g. an earlier commit's "
        "git worktree, for a before/after table)",
    )
    return p


def main(argv=None) -> None:
    args = parser().parse_args(argv)
    common.use_config(args.config)
    common.use_workflow(args.workflow)
    print(f"kmeans-sweep benchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores")
    for flag, section, _ in ALONE:
        if getattr(args, flag[2:].replace("-", "_")):
            section(args.cores)
            return
    result = overhead(args.cores, args.repeats)
    if not args.skip_resampling:
        resampling_cost(args.cores, args.repeats, loop=result["reference_s"])
    if args.default_run:
        return
    incremental(result, args.cores)
    planning()
    fan_out()
    if not args.skip_scale:
        scale(args.cores)


if __name__ == "__main__":
    main()
