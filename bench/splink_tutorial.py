"""The anchor: Splink set up as its own tutorials do, measured in the same run as our model.

FEBRL3/FEBRL4 follow Splink's docs/demos/examples/duckdb/febrl3 and febrl4 notebooks (the "detailed"
FEBRL4 model); the synthetic anchor follows the deduplicate_50k_synthetic notebook with its columns
mapped to ours. "Without id" drops soc_sec_id from comparisons, blocking and deterministic rules.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def _quiet() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def febrl_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The notebooks' prepare step: trimmed text columns plus the true cluster from rec_id."""
    out = frame.reset_index().rename(columns=str.strip)
    for column in out.columns:
        out[column] = out[column].astype("string").str.strip()
    out["cluster"] = out["rec_id"].str.extract(r"^([^-]+-[^-]+)", expand=False)
    return out


def febrl4_anchor(df_a: pd.DataFrame, df_b: pd.DataFrame, *, with_id: bool) -> pd.DataFrame:
    """Scored pairs (unique_id_l, unique_id_r, match_probability) from the febrl4 notebook's model."""
    _quiet()
    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if with_id else []),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
        ),
        *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if with_id else []),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(term_frequency_adjustments=True),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
    )
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(df_a), db_api.register(df_b)], settings, log_level=None)
    deterministic = [
        *([block_on("soc_sec_id")] if with_id else []),
        block_on("given_name", "surname", "date_of_birth"),
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.0, warning_mode="never")
    out = predictions.as_pandas_dataframe()[["rec_id_l", "rec_id_r", "match_probability"]]
    return out.rename(columns={"rec_id_l": "unique_id_l", "rec_id_r": "unique_id_r"})


def febrl3_anchor(df: pd.DataFrame, *, with_id: bool) -> pd.DataFrame:
    _quiet()
    blocking = [
        *([block_on("soc_sec_id")] if with_id else []),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
            *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2])] if with_id else []),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(df), settings, log_level=None)
    deterministic = [
        *([block_on("soc_sec_id")] if with_id else []),
        block_on("given_name", "surname", "date_of_birth"),
        "l.given_name = r.surname and l.surname = r.given_name and l.date_of_birth = r.date_of_birth",
    ]
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.0, warning_mode="never")
    out = predictions.as_pandas_dataframe()[["rec_id_l", "rec_id_r", "match_probability"]]
    return out.rename(columns={"rec_id_l": "unique_id_l", "rec_id_r": "unique_id_r"})


SYNTHETIC_THRESHOLD = 0.95  # the 50k notebook clusters at 0.95


def synthetic_anchor(records: pd.DataFrame, threshold: float = SYNTHETIC_THRESHOLD) -> pd.DataFrame:
    """record_id -> cluster_id from the deduplicate_50k_synthetic notebook's model on our columns.

    Light cleaning any user would do first: names lower-cased and trimmed, postcodes upper-cased with
    single spaces. The notebook's birth_place/occupation columns do not exist here; the NHS number is
    added as an exact match, as a tutorial user would for an id column.
    """
    _quiet()
    con = duckdb.connect()
    con.register("raw", records)
    frame = con.sql(
        """
        select record_id as unique_id,
            nullif(lower(trim(given_name)), '') as first_name,
            nullif(lower(trim(family_name)), '') as surname,
            nullif(trim(date_of_birth), '') as dob,
            nullif(upper(trim(postcode)), '') as postcode_fake,
            nullif(replace(nhs_number, ' ', ''), '') as nhs_number,
            nullif(lower(trim(given_name)), '') || ' ' || nullif(lower(trim(family_name)), '')
                as first_name_surname_concat
        from raw
        """
    )
    blocking: Sequence = [
        block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
        block_on("surname", "dob"),
        block_on("first_name", "dob"),
        block_on("postcode_fake", "first_name"),
        block_on("postcode_fake", "surname"),
        block_on("substr(postcode_fake,1,3)", "dob"),
        block_on("substr(postcode_fake,1,3)", "first_name"),
        block_on("substr(postcode_fake,1,3)", "surname"),
        block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=list(blocking),
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name", "surname", forename_surname_concat_col_name="first_name_surname_concat"
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("nhs_number"),
        ],
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(frame), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "surname", "dob"),
            block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
            block_on("dob", "postcode_fake"),
        ],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    out = clusters.as_pandas_dataframe()[["unique_id", "cluster_id"]]
    return out.rename(columns={"unique_id": "record_id"})
