localrules:
    aggregate_fits,


rule aggregate_fits:
    input:
        get_chunk_files("fits"),
    output:
        fits="results/{dataset}/fits.parquet",
        summary="results/{dataset}/summary.csv",  # in the report as summary.html (plot_sweep)
        summary_parquet="results/{dataset}/summary.parquet",
    log:
        "logs/{dataset}/aggregate_fits.log",
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        init_order=SWEEP["init"],
    script:
        "../scripts/aggregate_fits.py"
