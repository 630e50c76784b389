# Fits are dealt out to jobs of `fits_per_job` fits each; every finished fit also goes to a
# content-addressed cache, so a config edit only computes the fits that are new.
rule fit_chunk:
    input:
        X=rules.prepare_dataset.output.X,
        y=rules.prepare_dataset.output.y,
    output:
        fits="results/{dataset}/fits/chunk{chunk}.parquet",
        labels="results/{dataset}/fits/chunk{chunk}.labels.parquet",
        centers="results/{dataset}/fits/chunk{chunk}.centers.parquet",
    log:
        "logs/{dataset}/fit_chunk{chunk}.log",
    benchmark:
        "benchmarks/{dataset}/fit_chunk{chunk}.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    resources:
        mem_mb=get_fit_mem_mb,
    params:
        fits=get_chunk_fits,
        settings=get_fit_settings,
    script:
        "../scripts/fit_chunk.py"
