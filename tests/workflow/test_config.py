"""Unit tests of config checks and the sweep plan."""

from __future__ import annotations

import copy

import pytest
import yaml

from kmeans_sweep import config as plan
from kmeans_sweep.config import REPO_CONFIG

DEFAULT = yaml.safe_load(REPO_CONFIG.read_text())


def test_default_config_is_valid_and_complete():
    assert plan.schema_error(DEFAULT) is None
    filled = plan.fill_defaults(copy.deepcopy(DEFAULT))
    assert filled["sweep"]["k"] == list(range(2, 21))
    assert filled["sweep"]["seeds"] == list(range(10))
    assert filled["sweep"]["init"] == ["k-means++", "random", "pca"]
    assert filled["datasets"]["digits"]["missing"] == "error"
    infos = plan.check_config(filled)
    assert infos["digits"] == plan.DatasetInfo(1797, 64)


def test_minimal_config_gets_the_documented_defaults():
    filled = plan.fill_defaults({"datasets": {"d": {"source": "wine"}}})
    assert plan.schema_error(filled) is None
    assert filled["sweep"]["n_init"] == 1 and filled["sweep"]["max_iter"] == 300
    assert filled["datasets"]["d"]["scale"] == "standard"
    assert filled["fits_per_job"] is None and filled["target_job_seconds"] > 0


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda c: c["sweep"].update(k=[1]), "sweep.k[0]: 1 is less than the minimum of 2"),
        (lambda c: c["sweep"].update(init=["x"]), "sweep.init[0]: 'x' is not one of"),
        (lambda c: c.update(extra=1), "Additional properties are not allowed ('extra'"),
        (lambda c: c["sweep"].update(seeds=[3, 3]), "sweep.seeds: [3, 3] has duplicated values"),
        (lambda c: c["sweep"].update(seeds=[]), "sweep.seeds: the list is empty"),
        (lambda c: c["datasets"].update({"a b": {"source": "iris"}}), "'a b' is not allowed"),
        (lambda c: c["datasets"]["digits"].update(scale="z"), "datasets.digits.scale: 'z'"),
    ],
)
def test_schema_errors_are_one_line_and_name_the_key(mutate, expected):
    config = copy.deepcopy(DEFAULT)
    mutate(config)
    message = plan.schema_error(config)
    assert message is not None and expected in message
    assert "\n" not in message


def test_schema_rejects_non_mapping():
    assert "mapping" in plan.schema_error(["a"])


def test_prepare_settings_only_hold_what_matters():
    assert plan.prepare_settings({"source": "digits", "scale": "none"}) == {
        "source": "digits",
        "scale": "none",
    }
    blobs = plan.prepare_settings({"source": "blobs", "scale": "standard", "centers": 5})
    assert blobs["centers"] == 5 and blobs["n_samples"] == 1000
    spec = {"source": "x.csv", "scale": "minmax", "label_column": "y", "feature_columns": None}
    assert plan.prepare_settings(spec)["label_column"] == "y"


def test_check_config_errors():
    config = plan.fill_defaults({"datasets": {"w": {"source": "wine"}}, "sweep": {"k": [2, 200]}})
    with pytest.raises(plan.ConfigError, match=r"k=200 is larger than the number of samples"):
        plan.check_config(config)
    # init pca alone, at ks all above iris's 4 features: nothing left to fit, the dataset named
    config = plan.fill_defaults(
        {"datasets": {"i": {"source": "iris"}}, "sweep": {"k": [5, 6], "init": ["pca"]}}
    )
    with pytest.raises(plan.ConfigError, match=r"nothing to fit for dataset 'i': init pca needs"):
        plan.check_config(config)
    config["sweep"]["k"] = [2, 5]  # one k left: pca is skipped at k = 5, not refused
    assert plan.check_config(config)["i"] == plan.DatasetInfo(150, 4)


IRIS_DIGITS = {
    "datasets": {"iris": {"source": "iris"}, "digits": {"source": "digits"}},
    "sweep": {"k": list(range(2, 21)), "init": ["k-means++", "random", "pca"], "seeds": [0, 1]},
}


def test_pca_is_skipped_at_k_above_the_features_not_refused():
    from kmeans_sweep.jobs.plan import fit_grid

    config = plan.fill_defaults(copy.deepcopy(IRIS_DIGITS))
    infos = plan.check_config(config)
    sweep = config["sweep"]
    grids = {name: fit_grid(sweep, plan.pca_max_k(info)) for name, info in infos.items()}
    pca_ks = {name: sorted({f[0] for f in grid if f[1] == "pca"}) for name, grid in grids.items()}
    assert pca_ks == {"iris": [2, 3, 4], "digits": list(range(2, 21))}
    for name, grid in grids.items():  # the other inits at every k, both seeds
        assert len([f for f in grid if f[1] != "pca"]) == 19 * 2 * 2, name
    assert grids["digits"] == fit_grid(sweep)  # nothing skipped: the plan is today's
    line = plan.pca_skip_line(sweep, "iris", infos["iris"])
    assert line.startswith("iris: init pca is skipped at k = 5–20 and fitted at k <= 4 only")
    assert "iris has 4 features" in line
    assert plan.pca_skip_line(sweep, "digits", infos["digits"]) is None
    assert plan.skips(sweep, "iris", infos["iris"]) == [
        ["init pca at k > 4 (k = 5–20)", "init pca at k > 4", line.split(" only: ")[1]]
    ]
    assert plan.skips(sweep, "digits", infos["digits"]) == []
    # beside bisecting x pca, which is skipped for every dataset
    both = plan.skips({**sweep, "algorithm": ["lloyd", "bisecting"]}, "iris", infos["iris"])
    assert [s[1] for s in both] == ["init pca with bisecting", "init pca at k > 4"]


def test_iris_and_digits_with_pca_plan_at_parse_time(workflow):
    """The dry run plans both datasets and says, before any job, where pca is skipped."""
    workflow.write_config(IRIS_DIGITS)
    proc = workflow.run("-n", "--quiet", "rules")
    said = [line for line in proc.stderr.splitlines() if "init pca is skipped" in line]
    assert said == [
        "kmeans-sweep: iris: init pca is skipped at k = 5–20 and fitted at k <= 4 only: its "
        "starting centres are the first k principal axes, and iris has 4 features"
    ]
    assert "config error" not in proc.stderr and "fit_chunk" in proc.stdout
