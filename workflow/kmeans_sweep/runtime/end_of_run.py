"""The end of a run, as seen from the head process: call ``say`` once, as the very last thing
the run prints, when the run succeeded, whether jobs ran (Snakemake's ``onsuccess``) or there
was nothing to be done (Snakemake returns before its hooks then: a handler on its logger sees
its "Nothing to be done" line). Not for dry runs, failed runs, --quiet or the cluster nodes.

Also :func:`release_timers`: at the end of a run that ran jobs, Snakemake's scheduler leaves a
1-second ``threading.Timer`` (its job rate limiter's re-evaluation, armed on every pass), and
Python waits for it before it exits; cancelling it from the end hooks saves that second."""

from __future__ import annotations

import atexit
import logging
import sys
import threading

NOTHING_TO_BE_DONE = "Nothing to be done"


class _Watch(logging.Handler):
    """Notes Snakemake's "Nothing to be done" line."""

    def __init__(self, done: dict):
        super().__init__(level=logging.INFO)
        self.done = done

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(NOTHING_TO_BE_DONE):
            self.done["ok"] = True


def when_done(workflow, say, quiet: bool, stream=None) -> dict:
    """Arrange for ``say()`` (a str, or "" for nothing) to be printed at the end of a
    successful run of ``workflow``; returns the state dict, whose ``ok`` the ``onsuccess``
    hook sets (see ``workflow/rules/common.smk``)."""
    done = {"ok": False}
    if workflow.remote_exec or quiet:
        return done
    logging.getLogger("snakemake.logging").addHandler(_Watch(done))

    def at_exit() -> None:
        if done["ok"] and not workflow.dryrun:  # known once the run is set up
            text = say()
            if text:
                print(text, file=stream or sys.stderr, flush=True)

    atexit.register(at_exit)
    return done


def release_timers() -> int:
    """Cancel every pending ``threading.Timer`` of this process; how many. Called from the
    ``onsuccess`` and ``onerror`` hooks, when Snakemake's scheduler has stopped: its timers
    (one re-evaluation per scheduling pass, 1 s by default) would only hold the exit back."""
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
    for timer in timers:
        timer.cancel()
    return len(timers)
