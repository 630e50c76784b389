"""Make a Ctrl-C that arrives while Snakemake prints a line stop the run, as any other Ctrl-C.

Snakemake 9.27.1 writes its console output in ``ColorizingTextHandler.emit``, which ends in
``except (KeyboardInterrupt, SystemExit): pass``. A SIGINT that arrives while the main thread is
inside it (writing a line, or waiting for room in a full stdout pipe or a paused terminal) is
therefore dropped, and the run goes on to the end. :func:`keep_ctrl_c` wraps that method: while a
line is written in the main thread, SIGINT only takes note; once the line is complete, the noted
SIGINT is raised as the usual KeyboardInterrupt, and Snakemake stops as it does for any Ctrl-C
("Terminating processes on user request"). The Snakefile calls it once, in the head process.
"""

from __future__ import annotations

import functools
import signal
import threading


def _deferring(emit):
    """`emit`, with a SIGINT during the call raised as KeyboardInterrupt after it returns."""

    @functools.wraps(emit)
    def wrapper(self, record):
        if threading.current_thread() is not threading.main_thread():
            return emit(self, record)  # signals reach the main thread only
        previous = signal.getsignal(signal.SIGINT)
        if not callable(previous):  # SIG_IGN or SIG_DFL: nothing to defer
            return emit(self, record)
        noted = []
        signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
        try:
            result = emit(self, record)
        finally:
            signal.signal(signal.SIGINT, previous)
        if noted:
            previous(signal.SIGINT, None)  # the default handler raises KeyboardInterrupt
        return result

    wrapper.keeps_ctrl_c = True
    return wrapper


def keep_ctrl_c() -> bool:
    """Wrap Snakemake's console handler (once); False where there is no such handler."""
    try:
        from snakemake.logging import ColorizingTextHandler
    except ImportError:
        return False
    if not getattr(ColorizingTextHandler.emit, "keeps_ctrl_c", False):
        ColorizingTextHandler.emit = _deferring(ColorizingTextHandler.emit)
    return True
