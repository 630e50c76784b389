"""kmeans_sweep.ctrl_c: a SIGINT while Snakemake writes a line stops the run after the line."""

from __future__ import annotations

import io
import logging
import os
import signal

import pytest
from snakemake.logging import ColorizingTextHandler

from kmeans_sweep.runtime import ctrl_c


@pytest.fixture(autouse=True)
def python_handles_sigint():
    """SIGINT raises KeyboardInterrupt in these tests, as in any Python started from a shell,
    even when the test run was started with SIGINT ignored (``nohup ... &``, a backgrounded CI
    step: Python then leaves it ignored, and a SIGINT sent here would never arrive)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


class InterruptedStream(io.StringIO):
    """A console that receives SIGINT while the first line is being written to it."""

    def write(self, text):
        if not self.getvalue():
            os.kill(os.getpid(), signal.SIGINT)
        return super().write(text)


def handler_and_record():
    stream = InterruptedStream()
    handler = ColorizingTextHandler(nocolor=True, stream=stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    record = logging.LogRecord("snakemake", logging.INFO, __file__, 1, "a line", None, None)
    return handler, stream, record


def original_emit():
    emit = ColorizingTextHandler.emit
    return getattr(emit, "__wrapped__", emit)


def test_snakemake_alone_drops_a_sigint_that_arrives_while_it_writes():
    """The defect ctrl_c.py works around: if this fails, Snakemake fixed it upstream."""
    handler, stream, record = handler_and_record()
    original_emit()(handler, record)  # no KeyboardInterrupt: it is swallowed ...
    assert stream.getvalue() == ""  # ... with the line it interrupted


def test_the_wrapped_handler_raises_it_once_the_line_is_written():
    handler, stream, record = handler_and_record()
    with pytest.raises(KeyboardInterrupt):
        ctrl_c._deferring(original_emit())(handler, record)
    assert stream.getvalue() == "a line\n"  # the whole line, then the interrupt
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_without_a_signal_the_wrapped_handler_just_writes():
    handler, _, record = handler_and_record()
    stream = io.StringIO()
    handler.setStream(stream)
    ctrl_c._deferring(original_emit())(handler, record)
    assert stream.getvalue() == "a line\n"


def test_an_ignored_sigint_stays_ignored():
    handler, stream, record = handler_and_record()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctrl_c._deferring(original_emit())(handler, record)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert stream.getvalue() == "a line\n"


def test_keep_ctrl_c_wraps_snakemakes_handler_once(monkeypatch):
    monkeypatch.setattr(ColorizingTextHandler, "emit", original_emit())
    assert ctrl_c.keep_ctrl_c() and ctrl_c.keep_ctrl_c()
    wrapped = ColorizingTextHandler.emit
    assert wrapped.keeps_ctrl_c and wrapped.__wrapped__ is original_emit()
