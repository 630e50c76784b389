"""The Snakemake report: every plot and table in it, and it follows the config."""

from __future__ import annotations

import pytest
from conftest import tiny_config


@pytest.mark.slow
def test_report_contains_plots_tables_and_follows_config(workflow):
    config = tiny_config()
    workflow.write_config(config)
    workflow.run()
    report = workflow.results("report.html")
    workflow.run("--report", str(report))
    html = report.read_text()
    assert len(html) > 100_000
    for name in [
        "elbow.png",
        "silhouette.png",
        "clusters_pca.png",
        "criteria.png",
        "stability.png",
        "summary.html",  # the tables as HTML pages, viewable inside the report
        "choose_k.html",
        "comparison.png",  # the algorithm comparison (one algorithm here: its spread)
        "comparison.html",
        "silhouette_k",
    ]:
        assert name in html, name
    assert "k = [2, 3, 4]" in html
    # after an edit and a rerun the report shows the new k
    config["sweep"]["k"] = [2, 3, 4, 6]
    workflow.write_config(config)
    workflow.run()
    workflow.run("--report", str(report))
    html = report.read_text()
    assert "k = [2, 3, 4, 6]" in html
