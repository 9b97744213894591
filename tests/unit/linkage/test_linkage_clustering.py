"""The vectorised clustering gives exactly the guarded Kruskal run it replaced."""

import random

import pandas as pd
import pytest

from goldenthread.linkage import clustering, features

COLUMNS = [
    "record_id",
    "source",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address_line",
    "nhs_number",
]


def _reference(prepared: pd.DataFrame, pairs: pd.DataFrame, threshold: float) -> dict[str, str]:
    """The guarded Kruskal run over every pair, as clustering did it before components came first."""
    ids = prepared["unique_id"].astype(str).tolist()
    position = {uid: i for i, uid in enumerate(ids)}
    parent = list(range(len(ids)))
    edges = pairs[pairs["match_probability"] >= threshold].sort_values(
        ["match_probability", "unique_id_l", "unique_id_r"], ascending=[False, True, True], kind="stable"
    )
    wanted = ["nhs", "given_key", "family_key", "dob", "dob_month", "dob_year", "dob_digits", "sex"]
    columns = prepared[wanted].astype(object)
    rows = columns.where(columns.notna(), None).to_numpy()
    groups: dict[int, clustering._Group] = {}

    def find(node: int) -> int:
        while parent[node] != node:
            node = parent[node]
        return node

    for uid_l, uid_r in zip(edges["unique_id_l"], edges["unique_id_r"], strict=True):
        ra, rb = find(position[uid_l]), find(position[uid_r])
        if ra == rb:
            continue
        ga = groups.setdefault(ra, clustering._group(tuple(rows[ra])))
        gb = groups.setdefault(rb, clustering._group(tuple(rows[rb])))
        if not clustering.merge_allowed(ga, gb):
            continue
        low, high = (ra, rb) if ra < rb else (rb, ra)
        parent[high] = low
        groups[low].absorb(groups.pop(high))
    return {uid: ids[find(i)] for i, uid in enumerate(ids)}


def _random_case(seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = random.Random(seed)
    givens = ["Ann", "Anne", "Annie", "Yi", "Wei", "William", "Bill", "Sam", "Samuel", "Lee", ""]
    families = ["Lee", "Tran", "Jones", "Khan", ""]
    dobs = ["2012-11-20", "2012-11-02", "2012-20-11", "2016-04-03", "2015", "2015-01", "", "nonsense"]
    nhs_numbers = ["9434765919", "4010232137", "", "", ""]
    rows = [
        [
            f"r{i:03d}",
            "x",
            rng.choice(givens),
            rng.choice(families),
            rng.choice(dobs),
            rng.choice(["M", "F", "", ""]),
            "",
            "",
            rng.choice(nhs_numbers),
        ]
        for i in range(120)
    ]
    rng.shuffle(rows)  # record order differs from id order, so ties and roots are both exercised
    prepared = features.prepare(pd.DataFrame(rows, columns=COLUMNS))
    ids = prepared["unique_id"].tolist()
    edges = []
    for _ in range(150):
        a, b = rng.sample(ids, 2)
        edges.append((a, b, rng.choice([0.95, 0.991, 0.995, 0.995, 0.999, 0.999, 1.0])))
    for i in range(0, 40, 2):  # some components with one name, one date and one number: no guard applies
        edges.append((ids[i], ids[i + 1], 0.999))
    return prepared, pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_probability"])


@pytest.mark.parametrize("seed", range(12))
def test_cluster_pairs_same_as_guarded_kruskal_on_random_conflicts(seed):
    prepared, pairs = _random_case(seed)
    expected = _reference(prepared, pairs, 0.99)
    assert clustering.cluster_pairs(prepared, pairs, 0.99) == expected
    # The cases must exercise refusals, or the comparison proves nothing.
    assert len(set(expected.values())) > len(set(_plain_components(prepared, pairs).values()))


def _plain_components(prepared: pd.DataFrame, pairs: pd.DataFrame) -> dict[str, str]:
    merge_all = pairs.assign(match_probability=1.0)
    ids = prepared["unique_id"].tolist()
    parent = {uid: uid for uid in ids}

    def find(uid: str) -> str:
        while parent[uid] != uid:
            uid = parent[uid]
        return uid

    for a, b in zip(merge_all["unique_id_l"], merge_all["unique_id_r"], strict=True):
        parent[find(a)] = find(b)
    return {uid: find(uid) for uid in ids}


def test_cluster_pairs_conflict_free_component_represented_by_earliest_record():
    rows = [
        ["c", "x", "Ann", "Lee", "2015-01-02", "F", "", "", ""],
        ["a", "x", "Ann", "Lee", "2015-01-02", "F", "", "", ""],
        ["b", "x", "", "Lee", "", "F", "", "", ""],
        ["d", "x", "Bob", "Day", "2011-05-06", "M", "", "", ""],
    ]
    prepared = features.prepare(pd.DataFrame(rows, columns=COLUMNS))
    pairs = pd.DataFrame(
        [("a", "b", 0.999), ("b", "c", 0.995)], columns=["unique_id_l", "unique_id_r", "match_probability"]
    )
    assert clustering.cluster_pairs(prepared, pairs, 0.99) == {"c": "c", "a": "c", "b": "c", "d": "d"}


def test_cluster_pairs_unknown_unique_id_rejected():
    prepared = features.prepare(pd.DataFrame([["a", "x", "Ann", "Lee", "", "", "", "", ""]], columns=COLUMNS))
    pairs = pd.DataFrame([("a", "zz", 0.999)], columns=["unique_id_l", "unique_id_r", "match_probability"])
    with pytest.raises(ValueError, match="unique_id"):
        clustering.cluster_pairs(prepared, pairs, 0.99)


def test_cluster_pairs_one_name_component_with_two_sexes_still_guarded():
    # One given name and one date in the component, but a nameless record of the other sex: the guard
    # refuses it, so the component must not be taken as conflict-free.
    rows = [
        ["amy", "x", "Amy", "Lee", "2015-01-02", "F", "", "", ""],
        ["boy", "x", "", "Lee", "2015-01-02", "M", "", "", ""],
    ]
    prepared = features.prepare(pd.DataFrame(rows, columns=COLUMNS))
    pairs = pd.DataFrame([("amy", "boy", 0.999)], columns=["unique_id_l", "unique_id_r", "match_probability"])
    assert clustering.cluster_pairs(prepared, pairs, 0.99) == {"amy": "amy", "boy": "boy"}


@pytest.mark.parametrize("seed", range(6))
def test_cluster_roots_on_id_ranks_same_as_on_record_ids(seed):
    # The linker hands Splink each record's rank among the record ids instead of the id itself; the
    # clusters, ties included, must be the ones the record ids give.
    prepared, pairs = _random_case(seed)
    ids = prepared["unique_id"].to_numpy()
    rank = {uid: i for i, uid in enumerate(sorted(ids.tolist()))}
    ranked = prepared.assign(unique_id=[rank[uid] for uid in ids])
    ranked_pairs = pairs.assign(
        unique_id_l=pairs["unique_id_l"].map(rank), unique_id_r=pairs["unique_id_r"].map(rank)
    )
    roots = clustering.cluster_roots(ranked, ranked_pairs, 0.99)
    assert dict(zip(ids.tolist(), ids[roots].tolist(), strict=True)) == _reference(prepared, pairs, 0.99)


def test_cluster_pairs_name_variants_and_mistyped_date_need_no_guarded_run(monkeypatch):
    # Every two records agree (nicknames, a date one digit out), so no merge can be
    # refused: the component is one person without the guarded run, represented by its earliest record.
    rows = [
        ["w1", "x", "William", "Jones", "2012-11-20", "M", "", "", ""],
        ["w2", "x", "Bill", "Jones", "2012-11-20", "M", "", "", ""],
        ["w3", "x", "Billy", "Jones", "2012-11-21", "", "", "", ""],
        ["ann", "x", "Ann", "Lee", "2015-01-02", "F", "", "", ""],
        ["bob", "x", "Bob", "Lee", "2015-01-02", "F", "", "", ""],
    ]
    prepared = features.prepare(pd.DataFrame(rows, columns=COLUMNS))
    pairs = pd.DataFrame(
        [("w1", "w2", 0.999), ("w2", "w3", 0.995), ("ann", "bob", 0.999)],
        columns=["unique_id_l", "unique_id_r", "match_probability"],
    )
    guarded_edges: list[int] = []
    kruskal = clustering._guarded_kruskal

    def counting(prepared, edges, *args, **kwargs):
        guarded_edges.append(len(edges))
        return kruskal(prepared, edges, *args, **kwargs)

    monkeypatch.setattr(clustering, "_guarded_kruskal", counting)
    clusters = clustering.cluster_pairs(prepared, pairs, 0.99)
    assert clusters == {"w1": "w1", "w2": "w1", "w3": "w1", "ann": "ann", "bob": "bob"}
    assert guarded_edges == [1]  # only Ann and Bob, whose names a guard refuses, go through it


def test_cluster_pairs_component_with_many_names_guarded_without_pair_check(monkeypatch):
    # A chain through 200 records with 200 different given names: checking every two names would cost
    # 19,900 comparisons (quadratic in the component); the component goes to the guarded run unchecked,
    # which gives the same people as the reference.
    names = [f"{a}{b}zz" for a in "bcdfghjklmnp" for b in "aeiouy"][:150] + [f"q{i:03d}x" for i in range(50)]
    rows = [
        [f"r{i:03d}", "x", name, "Smith", f"20{10 + i % 10}-0{1 + i % 9}-1{i % 10}", "M", "", "", ""]
        for i, name in enumerate(names)
    ]
    prepared = features.prepare(pd.DataFrame(rows, columns=COLUMNS))
    pairs = pd.DataFrame(
        [(f"r{i:03d}", f"r{i + 1:03d}", 0.999) for i in range(len(rows) - 1)],
        columns=["unique_id_l", "unique_id_r", "match_probability"],
    )
    checked: list[int] = []
    pairs_within = clustering._pairs_within

    def counting(labels, values):
        checked.append(len(labels))
        return pairs_within(labels, values)

    monkeypatch.setattr(clustering, "_pairs_within", counting)
    assert clustering.cluster_pairs(prepared, pairs, 0.99) == _reference(prepared, pairs, 0.99)
    assert checked == [0, 0]  # neither the names nor the dates were paired
