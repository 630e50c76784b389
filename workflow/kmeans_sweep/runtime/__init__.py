"""Runtime adapters, beside the pipeline: the Slurm status adapter (``slurm_status``) and the
Ctrl-C fix (``ctrl_c``). Imports only the base; only the top (``common.smk``) uses them."""
