localrules:
    aggregate_fits,


rule aggregate_fits:
    input:
        get_chunk_files("fits"),
    output:
        fits="results/{dataset}/fits.parquet",
        summary=report(
            "results/{dataset}/summary.csv",
            caption="../report/summary.rst",
            category="{dataset}",
            subcategory="Tables",
            labels={"table": "summary per k and init"},
        ),
        summary_parquet="results/{dataset}/summary.parquet",
    log:
        "logs/{dataset}/aggregate_fits.log",
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        init_order=SWEEP["init"],
    script:
        "../scripts/aggregate_fits.py"
