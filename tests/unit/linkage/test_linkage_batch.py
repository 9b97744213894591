"""Batch linkage on DuckDB, judged by pairwise F1 on synthetic records whose truth is known."""

import io

import pandas as pd
import pytest

from goldenthread.linkage import batch, features, synthetic
from goldenthread.linkage.batch import link_records, read_records
from goldenthread.linkage.clustering import cluster_pairs
from goldenthread.linkage.metrics import pairwise_scores


@pytest.fixture(scope="module")
def records() -> pd.DataFrame:
    buffer = io.StringIO()
    synthetic.write_csv(buffer, 300, seed=11)
    buffer.seek(0)
    return read_records(buffer)


@pytest.fixture(scope="module")
def linked(records) -> pd.DataFrame:
    return link_records(records)


def test_link_records_one_row_per_record_in_input_order(records, linked):
    assert list(linked.columns) == ["record_id", "person_id"]
    assert linked["record_id"].tolist() == records["record_id"].tolist()


def test_link_records_small_synthetic_set_reaches_f1_floor(records, linked):
    scores = pairwise_scores(records["true_person_id"], linked["person_id"])
    assert scores.f1 >= 0.9, scores
    assert scores.precision >= 0.95, scores


def test_link_records_ignores_the_truth_column(records, linked):
    shuffled_truth = records.assign(
        true_person_id=records["true_person_id"].sample(frac=1, random_state=1).values
    )
    again = link_records(shuffled_truth)
    assert again["person_id"].tolist() == linked["person_id"].tolist()


def test_link_records_links_nickname_and_mohammed_spellings():
    frame = pd.DataFrame(
        [
            ["1", "health", "Mohammed", "Khan", "2015-03-04", "M", "B8 1AA", "1 High Street", ""],
            ["2", "school", "Muhammad", "KHAN", "2015-04-03", "M", "B8 1AA", "1 High St", ""],
            ["3", "police", "Mohamed", "Khan", "2015-03-04", "Male", "b81aa", "", ""],
            ["4", "health", "William", "Jones", "2012-11-20", "M", "LS6 2AB", "9 Mill Lane", ""],
            ["5", "school", "Bill", "Jones", "2012-11-20", "M", "LS6 2AB", "9 Mill Ln", ""],
            ["6", "school", "Margaret", "Owusu", "2010-01-30", "F", "E17 4QQ", "3 Oak Road", ""],
        ],
        columns=list(features.INPUT_COLUMNS),
    )
    # A realistic background so the model has something to learn from.
    buffer = io.StringIO()
    synthetic.write_csv(buffer, 200, seed=3)
    buffer.seek(0)
    background = read_records(buffer).drop(columns=["true_person_id"])
    result = link_records(pd.concat([frame, background], ignore_index=True)).set_index("record_id")[
        "person_id"
    ]
    assert result["1"] == result["2"] == result["3"]
    assert result["4"] == result["5"]
    assert result["6"] not in {result["1"], result["4"]}


def test_link_records_single_record_is_its_own_person():
    frame = pd.DataFrame(
        [
            {
                "record_id": "only",
                "source": "x",
                "given_name": "Ann",
                "family_name": "Lee",
                "date_of_birth": "",
                "sex": "",
                "postcode": "",
                "address_line": "",
                "nhs_number": "",
            }
        ]
    )
    assert link_records(frame)["record_id"].tolist() == ["only"]


def test_link_records_unknown_engine_rejected(records):
    with pytest.raises(ValueError, match="unknown engine"):
        link_records(records, engine="sqlite")


def _prepared(*rows):
    columns = list(features.INPUT_COLUMNS)
    return features.prepare(pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows]))


def _pairs(*edges):
    return pd.DataFrame(edges, columns=["unique_id_l", "unique_id_r", "match_probability"])


def _ann_lee_with_two_nhs_numbers():
    """Three records of one name and birthday: two with different NHS numbers, one between them with none."""
    return _prepared(
        ["a", "x", "Ann", "Lee", "2015-01-02", "F", "", "", "9434765919"],
        ["b", "x", "Ann", "Lee", "2015-01-02", "F", "", "", ""],
        ["c", "x", "Ann", "Lee", "2015-01-02", "F", "", "", "4010232137"],
    )


def test_cluster_pairs_refuses_merge_across_different_nhs_numbers():
    prepared = _ann_lee_with_two_nhs_numbers()
    clusters = cluster_pairs(prepared, _pairs(("a", "b", 0.999), ("b", "c", 0.995)), threshold=0.99)
    assert clusters["a"] == clusters["b"] != clusters["c"]


def test_cluster_pairs_nameless_record_does_not_chain_twins():
    prepared = _prepared(
        ["yi", "x", "Yi", "Tran", "2015-09-06", "M", "BL2 3EX", "", ""],
        ["blank", "x", "", "Tran", "2015-09-06", "M", "BL2 3EX", "", ""],
        ["wei", "x", "Wei", "Tran", "2015-09-06", "M", "BL2 3EX", "", ""],
    )
    clusters = cluster_pairs(
        prepared, _pairs(("blank", "wei", 0.999), ("yi", "blank", 0.998)), threshold=0.99
    )
    assert clusters["blank"] == clusters["wei"] != clusters["yi"]


def test_cluster_pairs_keeps_nicknames_typos_and_swaps_together():
    prepared = _prepared(
        ["1", "x", "William", "Jones", "2012-11-20", "M", "", "", ""],
        ["2", "x", "Bill", "", "2012-11-02", "M", "", "", ""],
        ["3", "x", "Jones", "Willaim", "", "M", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999), ("2", "3", 0.995)), threshold=0.99)
    assert clusters["1"] == clusters["2"] == clusters["3"]


def test_cluster_pairs_refuses_dates_of_birth_years_apart_with_other_given_name():
    prepared = _prepared(
        ["1", "x", "Sam", "Lee", "2012-11-20", "M", "", "", ""],
        ["2", "x", "Samuel", "Lee", "2016-04-03", "M", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] != clusters["2"]


def test_cluster_pairs_ignores_pairs_below_threshold():
    prepared = _prepared(
        ["a", "x", "Ann", "Lee", "", "", "", "", ""], ["b", "x", "Ann", "Lee", "", "", "", "", ""]
    )
    clusters = cluster_pairs(prepared, _pairs(("a", "b", 0.98)), threshold=0.99)
    assert clusters["a"] != clusters["b"]


def test_cluster_pairs_joins_one_typo_given_name_with_far_apart_dates_of_birth():
    # FEBRL-style: the same person with a mistyped given name and a wrongly keyed birthday.
    prepared = _prepared(
        ["1", "x", "Gillian", "Lilee", "1918-10-09", "", "2518", "9 Yarra Street", ""],
        ["2", "x", "Gillan", "Lilee", "1951-08-28", "", "2518", "9 Yarra Street", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] == clusters["2"]


def test_cluster_pairs_refuses_rhyming_sibling_names_with_far_apart_dates_of_birth():
    prepared = _prepared(
        ["1", "x", "Mason", "Lee", "2012-11-20", "M", "", "", ""],
        ["2", "x", "Jason", "Lee", "2016-04-03", "M", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] != clusters["2"]


def test_cluster_pairs_refuses_one_letter_names_of_different_sex():
    # Daniel and Daniela are one typo apart, but a brother and a sister.
    prepared = _prepared(
        ["1", "x", "Daniel", "Lee", "2012-11-20", "M", "", "", ""],
        ["2", "x", "Daniela", "Lee", "2016-04-03", "F", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] != clusters["2"]


def test_cluster_pairs_refuses_twins_of_different_sex_with_similar_names():
    prepared = _prepared(
        ["ming", "x", "Ming", "Wang", "2020-01-02", "M", "TS27 1AX", "39 Church Avenue", ""],
        ["jing", "x", "Jing", "Wang", "2020-01-02", "F", "TS27 1AX", "39 Church Avenue", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("ming", "jing", 0.999)), threshold=0.99)
    assert clusters["ming"] != clusters["jing"]


def test_cluster_pairs_keeps_same_name_with_one_sex_mistyped():
    prepared = _prepared(
        ["1", "x", "Ava", "Lee", "2020-01-02", "F", "", "", ""],
        ["2", "x", "Ava", "Lee", "2020-01-02", "M", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] == clusters["2"]


def test_cluster_pairs_undated_record_does_not_chain_brothers_born_years_apart():
    # Brothers Mohammed (2015) and Muhammad (2016) share a canonical name; an undated "Muhammad"
    # record that joins the elder must not carry the younger brother in with it.
    prepared = _prepared(
        ["elder", "x", "Mohammed", "Bains", "2015-10-25", "M", "BS8 2FZ", "78 Castle Drive", ""],
        ["undated", "x", "Muhammad", "Bains", "", "M", "BS8 2FZ", "78 Castle Drive", ""],
        ["younger", "x", "Muhammad", "Bains", "2016-03-19", "M", "BS8 2FZ", "78 Castle Drive", ""],
    )
    clusters = cluster_pairs(
        prepared, _pairs(("elder", "undated", 0.999), ("undated", "younger", 0.998)), threshold=0.99
    )
    assert clusters["elder"] == clusters["undated"] != clusters["younger"]


def test_cluster_pairs_joins_impossible_date_one_digit_from_the_real_one():
    # "1990-39-25" is no date, but two digits transposed from 1993-09-25; the swapped names are the
    # same child.
    prepared = _prepared(
        ["1", "x", "Callum", "Jankus", "1993-09-25", "M", "", "", ""],
        ["2", "x", "Jankus", "Callum", "1990-39-25", "M", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] == clusters["2"]


def test_cluster_pairs_refuses_impossible_date_far_from_the_other():
    prepared = _prepared(
        ["1", "x", "Callum", "Jankus", "1993-09-25", "M", "", "", ""],
        ["2", "x", "Jankus", "Callum", "1990-39-02", "M", "", "", ""],
    )
    clusters = cluster_pairs(prepared, _pairs(("1", "2", 0.999)), threshold=0.99)
    assert clusters["1"] != clusters["2"]


def test_training_sample_all_records_up_to_the_size():
    prepared = features.prepare(read_records(_csv(40)))
    assert batch.training_sample(prepared, size=len(prepared)) is prepared


def test_training_sample_uniform_subset_in_input_order():
    prepared = features.prepare(read_records(_csv(40)))
    sample = batch.training_sample(prepared, size=30)
    assert len(sample) == 30
    assert sample.index.is_monotonic_increasing
    assert set(sample["unique_id"]) < set(prepared["unique_id"])


def _prior(records: pd.DataFrame, sampled: bool) -> float:
    messages: list[str] = []
    batch.run_linkage(records, progress=messages.append)
    assert any("random sample" in m for m in messages) == sampled, messages
    (found,) = [m for m in messages if m.startswith("prior match probability")]
    return float(found.rsplit(" ", 1)[1])


def test_run_linkage_prior_from_a_sample_close_to_prior_from_all(monkeypatch, records):
    everything = _prior(records, sampled=False)
    monkeypatch.setattr(batch, "TRAINING_SAMPLE_RECORDS", len(records) // 4)
    sampled = _prior(records, sampled=True)
    # A sample keeps the rate of matches among pairs, so the prior is not scaled down with the sample.
    assert everything / 2 < sampled < everything * 2, (everything, sampled)


def test_link_records_trained_on_a_sample_reaches_f1_floor(monkeypatch, records):
    monkeypatch.setattr(batch, "TRAINING_SAMPLE_RECORDS", len(records) // 2)
    linked = link_records(records)
    scores = pairwise_scores(records["true_person_id"], linked["person_id"])
    assert scores.f1 >= 0.9, scores
    assert scores.precision >= 0.95, scores


def _csv(people: int) -> io.StringIO:
    buffer = io.StringIO()
    synthetic.write_csv(buffer, people, seed=5)
    buffer.seek(0)
    return buffer


def test_cluster_pairs_without_twin_protection_joins_twins():
    # The benchmarks' "no twins in this data" mode: the guards that keep twins apart are off.
    prepared = _prepared(
        ["ming", "x", "Ming", "Wang", "2020-01-02", "M", "TS27 1AX", "39 Church Avenue", ""],
        ["jing", "x", "Jing", "Wang", "2020-01-02", "F", "TS27 1AX", "39 Church Avenue", ""],
    )
    pairs = _pairs(("ming", "jing", 0.999))
    assert cluster_pairs(prepared, pairs, threshold=0.99, twin_protection=False)["jing"] == "ming"
    assert cluster_pairs(prepared, pairs, threshold=0.99)["jing"] == "jing"


def test_cluster_pairs_without_twin_protection_still_refuses_different_nhs_numbers():
    prepared = _ann_lee_with_two_nhs_numbers()
    clusters = cluster_pairs(
        prepared,
        _pairs(("a", "b", 0.999), ("b", "c", 0.995)),
        threshold=0.99,
        twin_protection=False,
    )
    assert clusters["a"] == clusters["b"] != clusters["c"]


def test_run_linkage_twin_protection_keeps_twins_apart():
    columns = list(features.INPUT_COLUMNS)
    twins = pd.DataFrame(
        [
            ["ben", "school", "Benjamin", "Capel", "2016-05-22", "M", "LS6 2AB", "177 Clive Avenue", ""],
            ["josh", "health", "Joshua", "Capel", "2016-05-22", "M", "LS6 2AB", "177 Clive Avenue", ""],
        ],
        columns=columns,
    )
    buffer = io.StringIO()
    synthetic.write_csv(buffer, 200, seed=3)
    buffer.seek(0)
    background = read_records(buffer).drop(columns=["true_person_id"])
    records = pd.concat([twins, background], ignore_index=True)

    def person(result: batch.LinkageResult) -> pd.Series:
        return result.clusters.set_index("record_id")["person_id"]

    guarded = person(batch.run_linkage(records))
    unguarded = person(batch.run_linkage(records, twin_protection=False))
    assert guarded["ben"] != guarded["josh"]
    # The model alone scores twins as one child: the protection, not the score, keeps them apart.
    assert unguarded["ben"] == unguarded["josh"]


def test_run_linkage_kept_pairs_name_record_ids(records):
    result = batch.run_linkage(records.head(400), keep_pairs=True)
    assert result.pairs is not None and len(result.pairs)
    known = set(records["record_id"].head(400))
    assert set(result.pairs["unique_id_l"]) <= known
    assert set(result.pairs["unique_id_r"]) <= known
    assert (result.pairs["unique_id_l"] < result.pairs["unique_id_r"]).all()


def _scoring_settings():
    """The model's settings as batch.link_records scores with them: the frequencies kept for the filter."""
    from goldenthread.linkage import model

    settings = model.settings()
    settings.retain_intermediate_calculation_columns = True
    return settings


def test_auto_link_pairs_same_as_splink_predict_then_filter(records):
    from splink import Linker

    from goldenthread.linkage import model

    prepared = features.prepare(records)
    db_api, cleanup = batch._database("duckdb")
    try:
        linker = Linker(
            batch._register(db_api, batch.records_table(prepared, "dedupe_only"), "dedupe_only"),
            _scoring_settings(),
            log_level=None,
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=1e5, seed=1)
        evidence = model.auto_link_evidence_sql()
        predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
        expected = linker.misc.query_sql(
            f"select unique_id_l, unique_id_r, match_probability from {predictions.physical_name}"  # noqa: S608
            f" where match_probability >= 0.9 and {evidence}",
            output_type="pandas",
        )
        found = batch.auto_link_pairs(linker, 0.9, evidence)
    finally:
        cleanup()
    assert len(expected) > 100
    order = ["unique_id_l", "unique_id_r"]
    pd.testing.assert_frame_equal(
        found.sort_values(order, ignore_index=True), expected.sort_values(order, ignore_index=True)
    )


def test_auto_link_pairs_leaves_disabled_optimizers_as_it_found_them(records):
    from splink import Linker

    prepared = features.prepare(records)
    db_api, cleanup = batch._database("duckdb")
    try:
        db_api.duckdb_con.execute("SET disabled_optimizers = 'join_order'")
        linker = Linker(
            batch._register(db_api, batch.records_table(prepared, "dedupe_only"), "dedupe_only"),
            _scoring_settings(),
            log_level=None,
        )
        batch.auto_link_pairs(linker, 0.9, "true")
        (after,) = db_api.duckdb_con.execute("select current_setting('disabled_optimizers')").fetchone()
    finally:
        cleanup()
    assert after == "join_order"


def test_return_freed_memory_without_glibc_does_nothing(monkeypatch):
    # On a system whose C library is not glibc (no libc.so.6, or no malloc_trim) linking still runs.
    opened: list[str] = []

    def missing(name):
        opened.append(name)
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(batch.ctypes, "CDLL", missing)
    batch._return_freed_memory()
    assert opened == ["libc.so.6"]
