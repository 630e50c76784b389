localrules:
    aggregate_fits,


rule aggregate_fits:
    input:
        fits=get_chunk_files("fits"),
        labels=get_chunk_files("labels"),
        centers=get_chunk_files("centers"),
        gap=get_chunk_files("gap"),
        resample=get_chunk_files("resample"),  # not read: kept when other plans' files go
    output:
        fits="results/{dataset}/fits.parquet",
        summary="results/{dataset}/summary.csv",  # in the report as summary.html (plot_sweep)
        summary_parquet="results/{dataset}/summary.parquet",
        labels="results/{dataset}/labels.parquet",
        centers="results/{dataset}/centers.parquet",
        gap="results/{dataset}/gap.parquet",
    log:
        "logs/{dataset}/aggregate_fits.log",
    benchmark:
        "benchmarks/{dataset}/aggregate_fits.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("aggregate"),
        init_order=SWEEP["init"],
        algorithm_order=SWEEP["algorithm"],
        gap_ks=GAP_KS,
        gap_references=config["choose_k"]["gap_references"],
    script:
        "../scripts/aggregate_fits.py"
