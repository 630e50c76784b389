"""runtime/end_of_run.release_timers: the end hooks cancel the timers Snakemake's scheduler
leaves behind, so the process exits without waiting for them."""

from __future__ import annotations

import threading

from kmeans_sweep.runtime import end_of_run


def test_pending_timers_are_cancelled_and_never_fire():
    fired = []
    timers = [threading.Timer(60, fired.append, args=(i,)) for i in range(2)]
    for timer in timers:
        timer.start()
    other = threading.Event()
    worker = threading.Thread(target=other.wait, args=(60,))  # not a timer: left alone
    worker.start()
    try:
        assert end_of_run.release_timers() == 2
        for timer in timers:
            timer.join(5)
            assert not timer.is_alive()
        assert fired == []
        assert worker.is_alive()
    finally:
        other.set()
        worker.join(5)


def test_nothing_pending_nothing_cancelled():
    assert end_of_run.release_timers() == 0
