"""The Slurm status adapter (runtime/slurm_status.py, workflow/bin/sacct): states the
Slurm executor plugin does not know become FAILED, everything else passes through."""

from __future__ import annotations

import json
import os
import stat

import pytest

from kmeans_sweep.runtime import slurm_status


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("CANCELLED by 1000", "CANCELLED"),
        ("CANCELLED+", "CANCELLED"),
        ("COMPLETED", "COMPLETED"),
        ("RUNNING", "RUNNING"),
        ("PENDING", "PENDING"),
        ("OUT_OF_MEMORY", "OUT_OF_MEMORY"),
        ("REVOKED", "FAILED"),
        ("SOMETHING_NEW", "FAILED"),
    ],
)
def test_states_the_plugin_does_not_know_become_failed(raw, expected):
    assert slurm_status.normalize_state(raw) == expected


def test_normalize_rewrites_only_the_state_column():
    out = "17|CANCELLED by 0\n18|RUNNING\n19|COMPLETED\n"
    assert slurm_status.normalize(out) == "17|CANCELLED\n18|RUNNING\n19|COMPLETED\n"
    assert slurm_status.normalize("") == ""


def _fake_sacct(folder, output: str):
    folder.mkdir()
    script = folder / "sacct"
    script.write_text(f"#!/bin/sh\necho \"$@\" > {folder}/args\nprintf '{output}'\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_the_adapter_wraps_the_real_sacct(tmp_path, monkeypatch, capfd):
    _fake_sacct(tmp_path / "slurm", "5|CANCELLED by 0\\n")
    monkeypatch.setenv("PATH", f"{slurm_status.BIN}{os.pathsep}{tmp_path / 'slurm'}")
    assert slurm_status.real_sacct() == str(tmp_path / "slurm" / "sacct")
    code = slurm_status.main(["-X", "--parsable2", "--format=JobIdRaw,State", "--name", "x"])
    assert code == 3 and capfd.readouterr().out == "5|CANCELLED\n"


def test_use_adapter_only_with_slurm(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    slurm_status.use_adapter()
    assert os.environ["PATH"] == str(tmp_path)  # no sacct: nothing to adapt
    _fake_sacct(tmp_path / "slurm", "")
    monkeypatch.setenv("PATH", str(tmp_path / "slurm"))
    slurm_status.use_adapter()
    slurm_status.use_adapter()  # idempotent
    assert os.environ["PATH"].split(os.pathsep) == [str(slurm_status.BIN), str(tmp_path / "slurm")]
    assert json.dumps(os.environ["PATH"])
