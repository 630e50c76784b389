"""A fit job's progress over all its work items (sweep fits, gap statistic fits, and any other
kind): a line in the job's log every few seconds and, when the run shows it, a line on the
terminal at most every 10 s.

The caller builds a :class:`Progress` from the estimated seconds of every item the job will
run, keyed by (kind, item), and calls :meth:`Progress.update` once per finished item, in any
order. Time left is the estimated work of the items still to do, each kind's (sweep fits with
their scores, gap fits, resampling items) scaled by how the estimate compared with that kind's
items computed so far (the cost model errs differently for each kind: scores or none, uniform
or normal references), or with all items computed so far while a kind has none yet; items from
the cache count as free.

Terminal lines go straight to the job's original stderr (saved before ``io.log_to`` sends
``sys.stderr`` to the log file), each as one ``os.write`` of a whole line: shorter than
PIPE_BUF, so a pipe never interleaves it with Snakemake's own lines.
"""

from __future__ import annotations

import logging
import os
import select
import time
from dataclasses import dataclass, field

log = logging.getLogger("kmeans_sweep")

#: the user's switch: KMEANS_SWEEP_PROGRESS=0 turns the terminal lines off (the head process
#: also sets it to 0 under Snakemake's --quiet, see common.smk)
SWITCH = "KMEANS_SWEEP_PROGRESS"
TERMINAL_SECONDS = 10.0
PIPE_BUF = getattr(select, "PIPE_BUF", 512)  # a write this short to a pipe is atomic


def duration(seconds: float) -> str:
    """'45 s', '3 min 20 s', '2 h 05 min'."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def item_estimates(kind: str, keys, seconds) -> dict:
    """{(kind, key): estimated seconds} of a job's items of one kind ("fit": io.fit_key,
    "gap": (k, b)), for :class:`Progress`."""
    return {(kind, key): float(s) for key, s in zip(keys, seconds, strict=True)}


@dataclass
class Terminal:
    """Whole lines to a file descriptor: the first once ``every`` seconds have passed since
    the job started, then at most one every ``every`` seconds, and a last one at the end if
    any was written (none for a job that ends sooner)."""

    fd: int
    every: float = TERMINAL_SECONDS
    written: int = 0
    last: float | None = None

    @classmethod
    def from_env(cls, environ=os.environ) -> Terminal | None:
        """A Terminal on a copy of this process's stderr, unless switched off; call it before
        io.log_to."""
        if environ.get(SWITCH, "1").strip().lower() in ("0", "false", "no", "off"):
            return None
        try:
            return cls(os.dup(2))
        except OSError:  # no stderr at all
            return None

    def offer(self, line: str, now: float, start: float, final: bool) -> bool:
        due = now - (self.last if self.last is not None else start) >= self.every
        if not (due or (final and self.written)):
            return False
        data = line.replace("\n", " ").encode()[: PIPE_BUF - 1] + b"\n"
        try:
            os.write(self.fd, data)
        except OSError:  # the terminal went away: the log keeps the lines
            return False
        self.written += 1
        self.last = now
        return True


@dataclass
class Progress:
    """Progress of one job over its items, logged at most every ``every`` seconds (and at the
    end), and offered to ``terminal`` (if any) after every item."""

    estimates: dict  # {(kind, item): estimated seconds} of every item of the job
    name: str
    every: float = 2.0
    clock: object = time.perf_counter
    terminal: Terminal | None = None
    delay: float = 0.0  # test hook: sleep this long after each item (a job that lasts)
    done: int = 0
    cached: int = 0
    start: float = field(default=0.0)
    last: float = field(default=0.0)
    #: per kind: [estimated seconds left, seconds spent computing, their estimate]
    kinds: dict = field(default_factory=dict)

    def __post_init__(self):
        self.start = self.last = self.clock()
        self.total = len(self.estimates)
        for (kind, _), est in self.estimates.items():
            self.kinds.setdefault(kind, [0.0, 0.0, 0.0])[0] += float(est)

    def left_seconds(self) -> float:
        """Each kind's estimated work left times that kind's actual/estimated ratio so far
        (the ratio over every kind while it has computed nothing yet; 1 before anything)."""
        spent = sum(v[1] for v in self.kinds.values())
        spent_est = sum(v[2] for v in self.kinds.values())
        overall = spent / spent_est if spent_est > 0 else 1.0
        return sum(max(0.0, left) * (took / est if est > 0 else overall)
                   for left, took, est in self.kinds.values())

    def update(self, item, *, from_cache: bool, seconds: float) -> str | None:
        """Record one finished item ``(kind, key)``; return the line logged, if any."""
        if self.delay:
            time.sleep(self.delay)
            seconds += self.delay
        est = float(self.estimates.get(item, 0.0))
        kind = self.kinds.setdefault(item[0], [0.0, 0.0, 0.0])
        self.done += 1
        kind[0] -= est
        if from_cache:
            self.cached += 1
        else:
            kind[1] += seconds
            kind[2] += est
        now = self.clock()
        final = self.done >= self.total
        if self.terminal is not None:
            self.terminal.offer(self.terminal_line(), now, self.start, final)
        if now - self.last < self.every and not final:
            return None
        self.last = now
        line = (
            f"{self.name}: {self.done}/{self.total} fits done "
            f"({self.cached} from the cache), {now - self.start:.1f} s elapsed, "
            f"about {self.left_seconds():.1f} s left"
        )
        log.info(line)
        return line

    def terminal_line(self) -> str:
        pct = 100 * self.done // self.total if self.total else 100
        left = "done" if self.done >= self.total else f"about {duration(self.left_seconds())} left"
        return (
            f"kmeans-sweep progress: {self.name}: {self.done}/{self.total} fits ({pct} %), "
            f"{self.cached} from the cache, {left}"
        )
