# The sweep, the gap statistic's fits on the data and its reference sets, and the resampling
# evidence's fits on subsamples of the data and of its null references, are split into
# as many balanced jobs as there are parallel slots (by each fit's estimated cost, see
# kmeans_sweep/jobs/plan.py); every finished fit also goes to a content-addressed cache, so a
# config edit only computes the fits that are new.
rule fit_chunk:
    input:
        X=rules.prepare_dataset.output.X,
        y=rules.prepare_dataset.output.y,
    output:
        fits="results/{dataset}/fits/chunk{chunk}.parquet",
        labels="results/{dataset}/fits/chunk{chunk}.labels.parquet",
        centers="results/{dataset}/fits/chunk{chunk}.centers.parquet",
        gap="results/{dataset}/fits/chunk{chunk}.gap.parquet",
        resample="results/{dataset}/fits/chunk{chunk}.resample.npz",
    log:
        "logs/{dataset}/fit_chunk{chunk}.log",
    benchmark:
        "benchmarks/{dataset}/fit_chunk{chunk}.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    resources:
        mem_mb=get_fit_mem_mb,
        runtime=get_fit_runtime,
    params:
        code=step_code("fit"),
        fits=get_chunk_fits,
        settings=get_fit_settings,
        gap=get_chunk_gap,
        resample=get_chunk_resample,
    script:
        "../scripts/fit_chunk.py"
