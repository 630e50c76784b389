"""A fit job's progress: the log lines, the terminal lines, and the --quiet switch."""

from __future__ import annotations

import os

from kmeans_sweep.jobs import progress as fit_progress
from kmeans_sweep.jobs.progress import Progress, Terminal, duration, item_estimates
from kmeans_sweep.runtime import plan_file as run_plan


def items(n_fits=2, n_gap=2, seconds=1.0) -> dict:
    return {
        **item_estimates(
            "fit", [(k, "random", 0) for k in range(2, 2 + n_fits)], [seconds] * n_fits
        ),
        **item_estimates("gap", [(2, b) for b in range(n_gap)], [seconds] * n_gap),
    }


def test_progress_logs_done_cached_elapsed_and_time_left():
    now = [0.0]
    progress = Progress(items(), "job 1", every=2.0, clock=lambda: now[0])
    now[0] = 0.5
    assert progress.update(("fit", (2, "random", 0)), from_cache=True, seconds=0.0) is None
    now[0] = 2.5
    line = progress.update(("fit", (3, "random", 0)), from_cache=False, seconds=2.0)  # 2x
    assert line == "job 1: 2/4 fits done (1 from the cache), 2.5 s elapsed, about 4.0 s left"
    now[0] = 3.0
    assert progress.update(("gap", (2, 1)), from_cache=False, seconds=0.5) is None
    line = progress.update(("gap", (2, 0)), from_cache=False, seconds=0.5)  # the last: logged
    assert line.startswith("job 1: 4/4 fits done (1 from the cache), 3.0 s elapsed")


def test_items_of_any_kind_and_order_count_by_their_own_estimate():
    estimates = {("fit", 1): 9.0, ("gap", 1): 1.0, ("resample", 1): 10.0}
    progress = Progress(estimates, "job", clock=lambda: 0.0)
    progress.update(("resample", 1), from_cache=False, seconds=20.0)  # took twice its estimate
    assert progress.left_seconds() == 2 * (9.0 + 1.0)
    progress.update(("fit", 1), from_cache=True, seconds=0.0)
    assert progress.left_seconds() == 2 * 1.0
    assert (progress.done, progress.total, progress.cached) == (2, 3, 1)


def test_each_kind_is_scaled_by_its_own_error_once_it_has_one():
    """Sweep fits taking 3x their estimate say nothing about resampling items that take half
    theirs: once a resampling item has run, the time left scales each kind by its own ratio
    (one ratio for all overestimated the resampling items' time left 3x here)."""
    estimates = {**{("fit", i): 1.0 for i in range(4)},
                 **{("resample", i): 2.0 for i in range(10)}}
    progress = Progress(estimates, "job", clock=lambda: 0.0)
    for i in range(4):
        progress.update(("fit", i), from_cache=False, seconds=3.0)
    assert progress.left_seconds() == 3.0 * 20.0  # no resampling item yet: the ratio so far
    progress.update(("resample", 0), from_cache=False, seconds=1.0)
    assert progress.left_seconds() == 0.5 * 18.0  # their own ratio, not (12 + 1) / (4 + 2)
    progress.update(("resample", 1), from_cache=True, seconds=0.0)
    assert progress.left_seconds() == 0.5 * 16.0


def _terminal_lines(read_fd) -> list[str]:
    os.set_blocking(read_fd, False)
    try:
        return os.read(read_fd, 65536).decode().splitlines()
    except BlockingIOError:
        return []


def test_terminal_lines_every_ten_seconds_and_at_the_end():
    read_fd, write_fd = os.pipe()
    now = [0.0]
    progress = Progress(items(6, 0), "iris fit job 1", clock=lambda: now[0])
    progress.terminal = Terminal(write_fd)
    for t in (3.0, 9.9, 10.0, 15.0, 20.5, 21.0):
        now[0] = t
        progress.update(("fit", (2 + progress.done, "random", 0)), from_cache=False, seconds=1)
    lines = _terminal_lines(read_fd)
    assert lines == [
        "kmeans-sweep progress: iris fit job 1: 3/6 fits (50 %), 0 from the cache, about 3 s left",
        "kmeans-sweep progress: iris fit job 1: 5/6 fits (83 %), 0 from the cache, about 1 s left",
        "kmeans-sweep progress: iris fit job 1: 6/6 fits (100 %), 0 from the cache, done",
    ]
    os.close(read_fd)
    os.close(write_fd)


def test_no_terminal_line_for_a_job_that_ends_within_ten_seconds():
    read_fd, write_fd = os.pipe()
    now = [0.0]
    progress = Progress(items(2, 0), "job", clock=lambda: now[0], terminal=Terminal(write_fd))
    for t in (4.0, 9.0):
        now[0] = t
        progress.update(("fit", (2 + progress.done, "random", 0)), from_cache=True, seconds=0)
    assert _terminal_lines(read_fd) == []
    os.close(read_fd)
    os.close(write_fd)


def test_the_switch_and_quiet_turn_the_terminal_lines_off():
    assert fit_progress.SWITCH == run_plan.SWITCH
    for off in ("0", "off", "false"):
        assert Terminal.from_env({fit_progress.SWITCH: off}) is None
    terminal = Terminal.from_env({})
    assert terminal is not None
    os.close(terminal.fd)
    from snakemake.settings.enums import Quietness
    from snakemake.settings.types import OutputSettings

    assert run_plan.quiet_progress({Quietness.RULES, Quietness.PROGRESS})  # plain --quiet
    assert run_plan.quiet_progress({Quietness.ALL})
    assert not run_plan.quiet_progress({Quietness.RULES})
    assert not run_plan.quiet_progress(None)

    def switch(quiet=None, loggers=(), tty=True) -> dict:
        environ, settings = {}, OutputSettings(quiet=quiet, log_handler_settings=loggers)
        run_plan.follow_output(settings, environ, tty=tty)
        return environ

    off = {fit_progress.SWITCH: "0"}
    assert switch({Quietness.PROGRESS}) == off
    assert switch(loggers={"rich": None}) == off  # its live display would erase the lines
    assert switch(loggers={"rich": None}, tty=False) == {}  # piped: whole lines, no display
    assert switch({Quietness.RULES}) == switch() == {}


def test_duration_reads_well():
    assert [duration(s) for s in (4.4, 65, 3 * 3600 + 5 * 60)] == [
        "4 s",
        "1 min 05 s",
        "3 h 05 min",
    ]
