"""The end-of-run block (kmeans_sweep.answers): one aligned line per dataset, read from each
dataset's choose_k.parquet; real choose_k tables from small sweeps (tests/_choices.py).

(tests/workflow/test_answers.py checks the block at the end of real runs.)"""

from __future__ import annotations

import pandas as pd
import pytest
from _choices import hand_made, no_fits, noise, store, three_blobs

from kmeans_sweep import answers

REPORT_LINE = f"  every plot and table, with how to read them: {answers.REPORT_COMMAND}"


@pytest.fixture
def results(tmp_path, monkeypatch):
    """An empty ``results`` folder, the working directory its parent (as in a run)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    return tmp_path / "results"


def answer_column(lines: list[str]) -> set[int]:
    """Where the text after each line's ``<dataset>:`` and its padding starts."""
    columns = set()
    for ln in lines:
        name_end = ln.index(":") + 1
        columns.add(name_end + len(ln[name_end:]) - len(ln[name_end:].lstrip()))
    return columns


def test_one_dataset(results):
    store(results, "blobs", three_blobs())
    assert answers.block(["blobs"]).splitlines() == [
        answers.HEADER,
        "  blobs: k = 3 (clear): 5 of 6 criteria pick k=3; see results/blobs/choose_k.html",
        REPORT_LINE,
    ]


def test_several_datasets_one_aligned_line_each(results):
    names = ["b", "iris", "a_much_longer_dataset_name", "noise"]
    for name in names[:-1]:
        store(results, name, three_blobs())
    store(results, "noise", noise())
    lines = answers.block(names).splitlines()
    assert lines[0] == answers.HEADER and lines[-1] == REPORT_LINE
    body = lines[1:-1]
    assert [ln.split(":")[0].strip() for ln in body] == names  # one line each, in order
    assert all(ln.startswith("  ") and "\n" not in ln for ln in body)
    # the answers start in one column, one space past the longest name's colon
    assert answer_column(body) == {2 + len("a_much_longer_dataset_name:") + 1}
    assert body[0] == ("  b:" + " " * 25 + " k = 3 (clear): 5 of 6 criteria pick k=3; "
                       "see results/b/choose_k.html")
    for name, ln in zip(names, body, strict=True):
        assert ln.endswith(f"; see results/{name}/choose_k.html")


def test_a_dataset_with_no_cluster_structure(results):
    choice = noise()
    rec = choice.set_index("criterion").loc["recommended"]
    assert rec["k"] == 1 and rec["confidence"] == "no structure"
    store(results, "noise", choice)
    said = answers.answer(choice)
    assert said == {"k": 1, "confidence": "no structure", "reason": (
        "no cluster structure: no k's gap statistic clearly exceeds Gap(1), the data look "
        "like uniform references; if you cluster anyway, 2 of 6 criteria pick k=5")}
    assert answers.block(["noise"]).splitlines()[1] == (
        f"  noise: k = 1 (no structure): {said['reason']}; see results/noise/choose_k.html")


def test_a_dataset_without_a_recommendation(results):
    store(results, "empty", no_fits())
    line = answers.block(["empty"]).splitlines()[1]
    assert line == ("  empty: no recommendation (uncertain): no k could be recommended (see the "
                    "notes); see results/empty/choose_k.html")
    assert "k = " not in line


def test_a_hand_made_table_round_trips_through_parquet(results):
    """The block reads only criterion, k (nullable Int64), confidence and note."""
    store(results, "made", hand_made(None, "uncertain", "no fits", {"elbow": None, "gap": 4}))
    assert pd.read_parquet(results / "made" / "choose_k.parquet")["k"].dtype == "Int64"
    assert answers.answer(pd.read_parquet(results / "made" / "choose_k.parquet"))["k"] is None
    assert "made: no recommendation (uncertain)" in answers.block(["made"])


def test_a_missing_choose_k_table(results):
    store(results, "iris", three_blobs())
    lines = answers.block(["iris", "digits"]).splitlines()
    assert lines[2] == ("  digits: no answer yet (choose_k.parquet is missing); "
                        "see results/digits/choose_k.html")
    assert answer_column(lines[1:3]) == {len("  digits: ")}
    assert lines[-1] == REPORT_LINE


def test_line_pads_the_name_and_names_the_results_folder():
    said = {"k": 12, "confidence": "uncertain", "reason": "2 of 8 criteria pick k=12"}
    assert answers.line("digits", said, 10, results="out") == (
        "digits:     k = 12 (uncertain): 2 of 8 criteria pick k=12; see out/digits/choose_k.html")
    no_confidence = {**said, "confidence": ""}
    assert answers.line("d", no_confidence, 1).startswith("d: k = 12: 2 of 8")
    assert answers.line("d", None, 1).startswith("d: no answer yet")


def test_no_datasets(results):
    assert answers.block([]).splitlines() == [answers.HEADER, REPORT_LINE]
