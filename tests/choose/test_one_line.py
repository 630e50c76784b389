"""verdict.one_line: why the recommended k, in one short sentence (the end-of-run block and
the report's first page), on real choose_k tables (tests/_choices.py) and hand-made notes in
the words choose_k writes."""

from __future__ import annotations

import pytest
from _choices import hand_made, no_fits, noise, three_blobs

from kmeans_sweep.choose import verdict
from kmeans_sweep.choose.choose_k import NO_STRUCTURE

STABLE = "seeds agree (mean pairwise ARI 0.97)"
STRUCTURE = ("cluster structure: Gap(4) − s(4) exceeds Gap(1) + s(1) by 0.512: the data are more "
             "clustered than uniform references (the gap statistic at k = 2–8 ...)")


def test_a_clear_k_is_the_vote_without_the_long_list_of_names():
    table = three_blobs()
    note = table.set_index("criterion").loc["recommended", "note"]
    assert note.startswith("5 of 6 criteria pick k=3 (elbow, silhouette, ")
    assert verdict.one_line(table) == "5 of 6 criteria pick k=3"


def test_no_structure_says_so():
    line = verdict.one_line(noise())
    assert line.startswith("no cluster structure")
    assert "Gap(1)" in line and "uniform references" in line


def test_no_recommendation():
    assert verdict.one_line(no_fits()) == "no k could be recommended (see the notes)"
    without_row = no_fits()[lambda t: t["criterion"] != "recommended"]
    assert verdict.one_line(without_row) == "no k could be recommended (see the notes)"


@pytest.mark.parametrize(
    ("note", "line"),
    [
        # up to three criteria are named
        (f"2 of 6 criteria pick k=4 (gap, stability); {STRUCTURE}; {STABLE}",
         "2 of 6 criteria pick k=4 (gap, stability)"),
        (f"3 of 8 criteria pick k=4 (gap, stability, consensus); {STABLE}",
         "3 of 8 criteria pick k=4 (gap, stability, consensus)"),
        (f"4 of 8 criteria pick k=4 (elbow, gap, stability, consensus); {STABLE}",
         "4 of 8 criteria pick k=4"),
        # weak structure, from the silhouette clause
        (f"2 of 6 criteria pick k=4 (gap, elbow); {STABLE}; silhouette 0.18 < 0.25 (weak "
         "structure)", "2 of 6 criteria pick k=4 (gap, elbow); weak structure (silhouette 0.18)"),
        # the resampling evidence: reproducible or not, without its numbers
        (f"2 of 8 criteria pick k=4 (gap, elbow); {STABLE}; reproduces under half-splits "
         "(prediction strength 0.91 ± 0.02 > 0.8)",
         "2 of 8 criteria pick k=4 (gap, elbow); reproduces under half-splits"),
        (f"2 of 8 criteria pick k=4 (gap, elbow); {STABLE}; prediction strength 0.61 ± 0.03 <= "
         "0.8 at this k", "2 of 8 criteria pick k=4 (gap, elbow); prediction strength 0.61 ± 0.03 "
         "<= 0.8 at this k"),
        (f"2 of 8 criteria pick k=4 (gap, elbow); {STRUCTURE}; {STABLE}; no k reproduces under "
         "half-splits (prediction strength <= 0.8 at every k; 0.55 ± 0.04 here)",
         "clustered beyond the null, but no k reproduces under half-splits; 2 of 8 criteria "
         "pick k=4 (gap, elbow)"),
    ],
)
def test_hand_made_notes(note, line):
    assert verdict.one_line(hand_made(4, "uncertain", note)) == line


def test_one_line_is_one_line_whatever_the_table():
    for table in (three_blobs(), noise(), no_fits()):
        assert "\n" not in verdict.one_line(table)
    assert verdict.one_line(hand_made(1, NO_STRUCTURE, "the data show no cluster structure: "
                                      "...")).startswith("no cluster structure")


def test_no_structure_names_the_vote_for_whoever_clusters_anyway():
    note = ("the data show no cluster structure: the gap stops at k = 1; if you cluster "
            "anyway, 5 of 8 criteria pick k=2 (silhouette, calinski_harabasz, davies_bouldin, "
            "gap, stability)")
    assert verdict.one_line(hand_made(1, NO_STRUCTURE, note)) == (
        "no cluster structure: no k's gap statistic clearly exceeds Gap(1), the data look like "
        "uniform references; if you cluster anyway, 5 of 8 criteria pick k=2")
    assert verdict.one_line(hand_made(1, NO_STRUCTURE, "the data show no cluster structure: "
                                      "x")).endswith("look like uniform references")


def test_candidates_follow_the_recommendations_tie_order():
    """Two ks with two votes each: the higher RCSI first (as the recommendation breaks ties),
    though its seed stability is lower; then the one-vote k."""
    from kmeans_sweep.choose.choose_k import candidates

    table = hand_made(5, "uncertain", "", {"elbow": 3, "silhouette": 3, "gap": 6,
                                           "stability": 6, "calinski_harabasz": 4})
    values = {3: (0.2, 0.95), 6: (0.9, 0.7), 4: (0.5, 0.9), 5: (0.1, 0.1)}
    table["rcsi"] = [values[int(k)][0] for k in table["k"]]
    table["seed_stability_ari"] = [values[int(k)][1] for k in table["k"]]
    assert candidates(table) == [5, 6, 3, 4]
    assert candidates(table.drop(columns="rcsi")) == [5, 3, 6, 4]  # no resampling: stability
