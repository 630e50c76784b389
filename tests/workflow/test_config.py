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
    config = plan.fill_defaults(
        {"datasets": {"i": {"source": "iris"}}, "sweep": {"k": [2, 5], "init": ["pca"]}}
    )
    with pytest.raises(plan.ConfigError, match=r"pca needs k <= number of features"):
        plan.check_config(config)
