# kmeans-sweep: KMeans over k x init x seed for every dataset in config.yaml.
# The rules live in workflow/rules/; the Python they call in workflow/kmeans_sweep/.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/resampling.smk"
include: "workflow/rules/choose_k.smk"
include: "workflow/rules/plot.smk"
include: "workflow/rules/compare.smk"
include: "workflow/rules/answers.smk"


# the report opens on the answers, then workflow/report/workflow.rst (rules/answers.smk)
report: get_landing_page()


rule all:
    default_target: True
    input:
        get_final_outputs,
