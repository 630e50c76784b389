"""Runtime adapters, beside the pipeline: the Slurm status adapter (``slurm_status``), the
Ctrl-C fix (``ctrl_c``) and the job plan's file for the progress view (``plan_file``).
Imports only the base; only the top (``common.smk``, ``progress_view``) uses them."""
