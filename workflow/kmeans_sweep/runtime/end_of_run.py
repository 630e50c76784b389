"""The end of a run, as seen from the head process: call ``say`` once, as the very last thing
the run prints, when the run succeeded, whether jobs ran (Snakemake's ``onsuccess``) or there
was nothing to be done (Snakemake returns before its hooks then: a handler on its logger sees
its "Nothing to be done" line). Not for dry runs, failed runs, --quiet or the cluster nodes."""

from __future__ import annotations

import atexit
import logging
import sys

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
