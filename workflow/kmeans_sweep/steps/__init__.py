"""The top, steps: one module per rule file (``workflow/rules/X.smk`` runs ``steps/X.py``),
each step a short function over the stage packages. A step takes Snakemake's ``input``,
``output``, ``params`` and ``wildcards`` and reads every file by the name the rule gives it,
so a rule's file names are written once, in its ``.smk``; ``workflow/scripts/`` only hands
the ``snakemake`` object over (``run``), and tests call the steps with plain namespaces.
Imports every stage; nothing in the package imports it."""

from __future__ import annotations

from types import SimpleNamespace


def run(step, smk):
    """Run ``step`` for a Snakemake script job: its log first, then the step."""
    from ..io import log_to

    log_to(smk.log[0])
    return step(smk.input, smk.output, smk.params, smk.wildcards)


def names(**values) -> SimpleNamespace:
    """Named values as Snakemake hands them to a step (for tests and the benchmark)."""
    return SimpleNamespace(**values)
