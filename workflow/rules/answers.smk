# The report's first page: every dataset's answer (recommended k, confidence, why, each
# criterion's pick, criteria.png) before the workflow's description; the Snakefile's report:
# points at it (get_landing_page).
localrules:
    landing_page,


rule landing_page:
    input:
        choices=expand("results/{dataset}/choose_k.parquet", dataset=list(DATASETS)),
        criteria=expand("results/{dataset}/plots/criteria.png", dataset=list(DATASETS)),
        description=REPORT_DESCRIPTION,
    output:
        rst="results/report/landing.rst",
    log:
        "logs/landing_page.log",
    benchmark:
        "benchmarks/landing_page.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("answers"),
        datasets=list(DATASETS),
    script:
        "../scripts/landing_page.py"
