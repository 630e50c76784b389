localrules:
    aggregate_fits,


rule aggregate_fits:
    input:
        fits=get_chunk_files("fits"),
        labels=get_chunk_files("labels"),
        centers=get_chunk_files("centers"),
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
        labels="results/{dataset}/labels.parquet",
        centers="results/{dataset}/centers.parquet",
    log:
        "logs/{dataset}/aggregate_fits.log",
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        init_order=SWEEP["init"],
    script:
        "../scripts/aggregate_fits.py"
