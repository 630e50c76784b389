rule prepare_dataset:
    input:
        get_dataset_file,
    output:
        X="results/{dataset}/prepared/X.npy",
        y="results/{dataset}/prepared/y.npy",
        meta="results/{dataset}/prepared/meta.json",
    log:
        "logs/{dataset}/prepare_dataset.log",
    benchmark:
        "benchmarks/{dataset}/prepare_dataset.tsv"
    conda:
        "../envs/kmeans-sweep.yaml"
    params:
        code=step_code("prepare"),
        dataset=get_prepare_settings,
    script:
        "../scripts/prepare_dataset.py"
