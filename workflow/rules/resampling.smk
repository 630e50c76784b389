# The resampling evidence for k: the fit jobs fit subsamples of the data and of its null
# references, and half-splits (resample_items.py); this step turns their labels into consensus,
# PAC against the null, prediction strength and cluster stability per k.
rule resampling:
    input:
        results=get_chunk_files("resample"),
        # the fit jobs' own rows and labels (for the best fit at each k), not aggregate_fits'
        # tables: this step starts as soon as the fit jobs end, beside aggregate_fits
        fits=get_chunk_files("fits"),
        labels=get_chunk_files("labels"),
    output:
        table="results/{dataset}/resampling.parquet",
        csv="results/{dataset}/resampling.csv",
        html=report(
            "results/{dataset}/resampling.html",
            caption="../report/resampling_table.rst",
            category="{dataset}",
            subcategory="Resampling",
            labels={"plot": "resampling table"},
        ),
        cdf="results/{dataset}/consensus_cdf.parquet",
        clusters="results/{dataset}/cluster_stability.parquet",
        item_consensus="results/{dataset}/item_consensus.parquet",
        matrices="results/{dataset}/consensus_sample.npz",
    log:
        "logs/{dataset}/resampling.log",
    benchmark:
        "benchmarks/{dataset}/resampling.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    resources:
        mem_mb=get_resampling_mem_mb,
    params:
        code=step_code("resampling"),
        settings=RESAMPLING,
        ks=SWEEP["k"],
        init_order=SWEEP["init"],
        algorithm_order=SWEEP["algorithm"],
    script:
        "../scripts/resampling.py"
