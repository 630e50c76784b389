"""Edits of datasets, settings, plots and data files rerun exactly what they touch."""

from __future__ import annotations

import pytest
from test_reruns import CSV, first_run, fits, keyed, planned_jobs, run_edit


@pytest.mark.slow
def test_data_and_setting_edits_rerun_only_what_they_touch(workflow):
    config = first_run(workflow)
    first = keyed(fits(workflow))

    # add a dataset: the existing datasets' fits do not rerun
    config["datasets"]["wine"] = {"source": "wine"}
    workflow.write_config(config)
    plan = planned_jobs(workflow)
    assert plan["fit_chunk"] == {"wine"} and plan["prepare_dataset"] == {"wine"}
    run_edit(workflow, config)

    # a plotting option: no fit, no aggregation reruns; the plots do
    config["plots"]["dpi"] = 70
    workflow.write_config(config)
    plan = planned_jobs(workflow)
    assert "fit_chunk" not in plan and "aggregate_fits" not in plan
    assert plan["plot_sweep"] == {"iris", "mine", "wine"}

    # change one dataset's scaling: every fit of that dataset is recomputed, no other dataset's
    config["datasets"]["iris"]["scale"] = "minmax"
    workflow.write_config(config)
    plan = planned_jobs(workflow)
    assert plan["prepare_dataset"] == {"iris"} and plan["fit_chunk"] == {"iris"}
    assert run_edit(workflow, config) == (12, 0)
    assert not keyed(fits(workflow))["inertia"].equals(first["inertia"])

    # change n_init (or max_iter): every fit of every dataset is recomputed
    config["sweep"]["n_init"] = 2
    workflow.write_config(config)
    plan = planned_jobs(workflow)
    assert plan["fit_chunk"] == {"iris", "mine", "wine"} and "prepare_dataset" not in plan
    assert run_edit(workflow, config) == (12, 0)

    # change a file's contents: that dataset is prepared and fitted again, no other
    (workflow.path / "mine.csv").write_text(CSV.replace("0.5,", "9.5,"))
    plan = planned_jobs(workflow)
    assert plan["prepare_dataset"] == {"mine"} and plan["fit_chunk"] == {"mine"}
    workflow.clear_logs()
    workflow.run()
    assert workflow.fit_counts("mine") == (12, 0)
    assert planned_jobs(workflow) == {}
