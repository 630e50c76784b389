"""Runtime adapters, beside the pipeline: the Slurm status adapter (``slurm_status``), the
Ctrl-C fix (``ctrl_c``) and the run's plan file for the progress view (``run_plan``). Imports
only the base; only the top (``common.smk``, ``progress``) uses them."""
