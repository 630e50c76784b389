localrules:
    aggregate_fits,


rule aggregate_fits:
    input:
        fits=get_chunk_files("fits"),
        labels=get_chunk_files("labels"),
        centers=get_chunk_files("centers"),
    output:
        fits="results/{dataset}/fits.parquet",
        summary="results/{dataset}/summary.csv",  # in the report as summary.html (plot_sweep)
        summary_parquet="results/{dataset}/summary.parquet",
        labels="results/{dataset}/labels.parquet",
        centers="results/{dataset}/centers.parquet",
    log:
        "logs/{dataset}/aggregate_fits.log",
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        init_order=SWEEP["init"],
        algorithm_order=SWEEP["algorithm"],
    script:
        "../scripts/aggregate_fits.py"
