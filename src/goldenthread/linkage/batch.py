"""Batch linkage of person records with Splink, on DuckDB (default) or Spark in local mode.

Parameters are estimated from the data on every run, unsupervised: the prior from deterministic rules,
u by random sampling of record pairs, m by expectation maximisation on blocked pairs. Above
``TRAINING_SAMPLE_RECORDS`` records the prior and m are estimated on a uniform random sample of records
(see ``training_sample`` for why nothing needs rescaling). Clustering uses
the fixed ``MATCH_PROBABILITY_THRESHOLD`` from ``model``, merging strongest pairs first and never
across two different valid NHS numbers (see ``clustering``).
"""

from __future__ import annotations

import ctypes
import logging
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from goldenthread.environment import env_memory
from goldenthread.linkage import clustering, features, model

ENGINES = ("duckdb", "spark")
# Enough sampled pairs that every comparison level meets non-matches; more buys little accuracy and costs
# seconds at a million records.
U_MAX_PAIRS = 1e6
EM_MAX_PAIRS = 1e6
PRIOR_RECALL = 0.7
# Above this many records the model is trained on a uniform random sample of this size (see
# ``training_sample``): the estimates barely move, and training no longer grows with the input.
TRAINING_SAMPLE_RECORDS = 200_000
SEED = 42
# DuckDB's memory limit unless GOLDENTHREAD_DUCKDB_MEMORY says otherwise (DuckDB syntax, e.g. "4GB").
SPARK_MEMORY = "4g"
DUCKDB_MEMORY = "1GB"

Progress = Callable[[str], None]


@dataclass
class LinkageResult:
    clusters: pd.DataFrame  # record_id, person_id
    timings: dict[str, float] = field(default_factory=dict)
    pairs: pd.DataFrame | None = None  # unique_id_l, unique_id_r, match_probability (if kept)


def read_records(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The input CSV with every column as text, blank cells as missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])


def link_records(
    records: pd.DataFrame | str | os.PathLike[str],
    engine: str = "duckdb",
    *,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Deduplicate person records: one row per input record with the person it belongs to.

    ``records`` is a DataFrame or a CSV path with the columns in ``features.INPUT_COLUMNS`` (others are
    ignored). Returns a DataFrame with columns ``record_id`` and ``person_id``, in input order.
    """
    return run_linkage(records, engine=engine, progress=progress).clusters


def run_linkage(
    records: pd.DataFrame | str | os.PathLike[str],
    *,
    engine: str = "duckdb",
    link_type: model.LinkType = "dedupe_only",
    extra_identifiers: Sequence[str] = (),
    threshold: float = model.MATCH_PROBABILITY_THRESHOLD,
    keep_pairs: bool = False,
    twin_protection: bool = True,
    progress: Progress | None = None,
) -> LinkageResult:
    """``link_records`` with the knobs the benchmarks need.

    ``link_type="link_only"`` links the groups given by the ``source`` column to each other without
    deduplicating within a group; ``extra_identifiers`` names further id columns (e.g. a local id)
    compared exactly and within one typo. ``twin_protection=False`` drops the personal-evidence rule
    (``model.auto_link_evidence_sql``) and the clustering guards, keeping only the refusal of two
    different NHS numbers: the benchmarks use it to show what the protection costs on data known to hold
    no twins or siblings. It is not offered on the command line: child records always hold twins.
    """
    # Over 60 lines on purpose: one pass with its timings, freeing the database before clustering so
    # that its memory is no part of clustering's peak; split, that order would be spread over callers.
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    say = progress or (lambda _message: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    frame = records if isinstance(records, pd.DataFrame) else read_records(records)
    prepared = features.prepare(frame)
    for column in extra_identifiers:
        prepared[column] = frame[column].where(frame[column].astype(str).str.strip() != "").values
    _return_freed_memory()
    timings["prepare"] = time.perf_counter() - started
    say(f"prepared {len(prepared):,} records in {timings['prepare']:.1f}s")

    record_ids = prepared["unique_id"].to_numpy()
    pairs: pd.DataFrame | None = None
    if len(prepared) < 2:
        roots = np.arange(len(prepared))
    else:
        db_api, cleanup = _database(engine)
        try:
            pairs = _splink(
                engine,
                db_api,
                prepared,
                link_type,
                extra_identifiers,
                threshold,
                twin_protection,
                say,
                timings,
            )
        finally:
            # Before clustering: the database's memory is then no part of the peak clustering reaches.
            cleanup()
        tick = time.perf_counter()
        roots = clustering.cluster_roots(
            prepared, pairs, threshold, extra_identifiers, twin_protection=twin_protection
        )
        timings["cluster"] = time.perf_counter() - tick
        say(f"clustered at match probability {threshold} in {timings['cluster']:.1f}s")
        pairs = pairs if keep_pairs else None
    clusters = _person_ids(record_ids, roots)
    if pairs is not None:
        by_rank = np.sort(record_ids)
        for side in ("unique_id_l", "unique_id_r"):
            pairs[side] = by_rank[pairs[side].to_numpy()]
    timings["total"] = time.perf_counter() - started
    return LinkageResult(clusters=clusters, timings=timings, pairs=pairs)


def _person_ids(record_ids: np.ndarray, roots: np.ndarray) -> pd.DataFrame:
    """Person ids numbered in order of each person's first record, so reruns give the same ids.

    ``roots`` holds the position of each record's representative record.
    """
    codes, _ = pd.factorize(roots)
    width = max(6, len(str(len(codes))))
    person_ids = "P" + pd.Series(codes + 1).astype(str).str.zfill(width)
    return pd.DataFrame({"record_id": record_ids, "person_id": person_ids.values})


def _splink(
    engine: str,
    db_api: Any,
    prepared: pd.DataFrame,
    link_type: model.LinkType,
    extra_identifiers: Sequence[str],
    threshold: float,
    twin_protection: bool,
    say: Progress,
    timings: dict[str, float],
) -> pd.DataFrame:
    """The scored pairs that may be linked automatically: unique_id_l, unique_id_r, match_probability."""
    # Over 60 lines on purpose: each `del` and _unregister frees a stage's tables before the next one
    # allocates; split into functions, a caller's references would keep them alive and raise the peak.
    from splink import Linker

    _quiet_splink()
    settings = model.settings(link_type, extra_identifiers, engine)
    tick = time.perf_counter()
    # One Arrow copy of the records serves training, its sample and scoring.
    records = records_table(prepared, link_type)
    tables = _register(db_api, records, link_type)
    timings["register"] = time.perf_counter() - tick

    tick = time.perf_counter()
    linker = Linker(tables, settings, log_level=None)
    # Training reads only the comparisons' levels: without the compared columns beside them, the
    # table of comparisons EM builds is a fraction of the width (scoring puts them back below).
    linker._settings_obj._retain_matching_columns = False
    # u stays on all records: sampling pairs costs about the same at any size, and its rarest levels
    # (two random records at one postcode) need every record to be met at all.
    _estimate_u(linker, say)
    training = training_sample(prepared)
    if training is prepared:
        _estimate_prior_and_m(linker, extra_identifiers, len(prepared), say)
    else:
        say(f"training the prior and m on a random sample of {len(training):,} records")
        # ``prepared`` is numbered 0..n-1, so the sample's index is its records' positions.
        sample = _register(db_api, records.take(training.index.to_numpy()), link_type)
        trainer = Linker(sample, linker.misc.save_model_to_json(), log_level=None)
        _estimate_prior_and_m(trainer, extra_identifiers, len(prepared), say)
        linker = Linker(tables, trainer.misc.save_model_to_json(), log_level=None)
        _unregister(db_api, sample)
        del trainer, sample
    del training
    timings["train"] = time.perf_counter() - tick
    say(f"trained the model in {timings['train']:.1f}s")

    tick = time.perf_counter()
    # Scoring sees each record's rank among the record ids instead of the id itself: the blocking
    # joins, their "l.unique_id < r.unique_id" test and the joins back to the records then work on
    # integers, and ranks keep the order (so the pairs, their sides and ties) that the ids give.
    # Training stays on the ids: Splink samples records by a hash of the id.
    model_json = linker.misc.save_model_to_json()
    model_json["retain_matching_columns"] = True  # the evidence filter reads the levels (gammas)
    # ... and the given names' frequencies in the file (twins.short_rare_variant_sql); the scoring
    # statement selects three columns, so the other intermediate columns are never materialised.
    model_json["retain_intermediate_calculation_columns"] = True
    _unregister(db_api, tables)
    del linker, tables
    prepared["unique_id"] = _ranks(prepared["unique_id"].to_numpy())
    import pyarrow as pa

    position = records.schema.get_field_index("unique_id")
    records = records.set_column(
        position, pa.field("unique_id", pa.int64()), pa.array(prepared["unique_id"].to_numpy())
    )
    # Clustering reads only the columns its guards compare; the rest live on in the Arrow copy.
    prepared.drop(
        columns=[c for c in prepared.columns if c not in clustering.columns_read(extra_identifiers)],
        inplace=True,
    )
    _return_freed_memory()
    linker = Linker(_register(db_api, records, link_type), model_json, log_level=None)
    del records
    evidence = model.auto_link_evidence_sql(extra_identifiers) if twin_protection else "true"
    pairs = auto_link_pairs(linker, threshold, evidence)
    timings["predict"] = time.perf_counter() - tick
    say(f"scored candidate pairs in {timings['predict']:.1f}s")
    return pairs


_CONCAT_VIEW = "goldenthread_records_with_tf"


def auto_link_pairs(linker: Any, threshold: float, evidence: str) -> pd.DataFrame:
    """Splink's ``predict`` with the automatic-link filter as its last step, three columns out.

    ``predict`` makes a table of every scored pair above the floor, with each comparison's inputs,
    gammas and the blocking keys for both records, only for us to read three of its columns back; at a
    million records writing that table was about 40% of scoring's CPU time and most of its memory.
    Here the same SQL runs as one statement that ends in the filter (``evidence``, on the gammas), so
    the database never builds the wide table: the same pairs with the same match probabilities.
    """
    # Over 60 lines on purpose: it follows Splink 5.0.0's _predict_chunk step for step (the equivalence
    # test guards it) inside one try/finally that puts DuckDB's optimizers back and drops the view.
    from splink.internals.comparison_vector_values import (
        compute_comparison_vector_values_from_id_pairs_sqls,
    )
    from splink.internals.pipeline import CTEPipeline
    from splink.internals.predict import predict_from_comparison_vectors_sqls_using_settings
    from splink.internals.vertically_concatenate import enqueue_df_concat_with_tf

    settings = linker._settings_obj
    columns = settings.column_info_settings
    connection = _own_duckdb(linker._db_api)
    blocked, cached = linker.inference._get_or_compute_blocked_pairs_for_predict_chunk()
    disabled: str | None = None  # DuckDB's disabled optimizers before scoring, set back after it
    try:
        # As Splink's own predict (``LinkerInference._predict_chunk``) builds it, then our filter.
        pipeline = CTEPipeline([blocked])
        records = "__splink__df_concat_with_tf"
        if connection is None:
            enqueue_df_concat_with_tf(linker, pipeline)
        else:
            # Both sides of each pair join the records with their term frequencies. As a CTE read
            # twice, DuckDB copied that table (0.3 GB at a million records) into its memory; as a view
            # each side reads the registered records where they are.
            with_tf = CTEPipeline()
            enqueue_df_concat_with_tf(linker, with_tf)
            records = _CONCAT_VIEW
            connection.execute(
                f"create or replace temp view {records} as {with_tf.generate_cte_pipeline_sql()}"
            )
        pipeline.enqueue_list_of_sqls(
            compute_comparison_vector_values_from_id_pairs_sqls(
                settings._columns_to_select_for_blocking,
                settings._columns_to_select_for_comparison_vector_values,
                input_tablename_l=records,
                input_tablename_r=records,
                source_dataset_input_column=columns.source_dataset_input_column,
                unique_id_input_column=columns.unique_id_input_column,
                link_type=settings._link_type,
                sql_dialect_str=linker._sql_dialect_str,
            )
        )
        floor = min(model.PREDICT_FLOOR_PROBABILITY, threshold)
        pipeline.enqueue_list_of_sqls(
            predict_from_comparison_vectors_sqls_using_settings(settings, floor, None)
        )
        # Only a float and fixed SQL go into this query; no input data does.
        pipeline.enqueue_sql(
            "select unique_id_l, unique_id_r, match_probability from __splink__df_predict"  # noqa: S608
            f" where match_probability >= {float(threshold)} and {evidence}",
            "__splink__df_auto_links",
        )
        if connection is not None:
            # DuckDB would push the evidence filter below the comparisons, computing the given-name,
            # date and NHS comparisons once to filter and again to score: 0.3-0.5 CPU seconds more at
            # a million records than computing every comparison once.
            (disabled,) = connection.execute("select current_setting('disabled_optimizers')").fetchone()
            scoring = ",".join(filter(None, [disabled, "filter_pushdown"]))
            connection.execute(f"SET disabled_optimizers = '{_sql_text(scoring)}'")
        links = linker._db_api.sql_pipeline_to_splink_dataframe(pipeline)
    finally:
        if not cached:
            blocked.drop_table_from_database_and_remove_from_cache()
        if connection is not None:
            if disabled is not None:
                connection.execute(f"SET disabled_optimizers = '{_sql_text(disabled)}'")
            connection.execute(f"drop view if exists {_CONCAT_VIEW}")
    pairs: pd.DataFrame = links.as_pandas_dataframe()
    links.drop_table_from_database_and_remove_from_cache()
    return pairs


def _ranks(ids: np.ndarray) -> np.ndarray:
    """Each id's position among the ids in sorted order."""
    rank = np.empty(len(ids), dtype=np.int64)
    rank[np.argsort(ids, kind="stable")] = np.arange(len(ids))
    return rank


def training_sample(prepared: pd.DataFrame, size: int | None = None) -> pd.DataFrame:
    """The records the model is trained on: all of them, or a uniform random sample of ``size``.

    Every parameter is a rate that a uniform sample of records estimates without bias, so nothing is
    rescaled. u is a rate among random pairs. m is a rate among matching pairs. The prior is the rate of
    matches among all pairs: a sample of n of N records keeps each matching pair with probability
    n(n-1)/(N(N-1)) and each pair of any kind with the same probability, so the rate is unchanged (the
    matches per record fall by about n/N, but so does the number of partners each record can have).
    EM blocks keep their mix of matches and non-matches for the same reason.
    """
    size = TRAINING_SAMPLE_RECORDS if size is None else size
    if len(prepared) <= size:
        return prepared
    return prepared.sample(n=size, random_state=SEED).sort_index()


def records_table(prepared: pd.DataFrame, link_type: model.LinkType) -> Any:
    """The prepared records as the Arrow table the linker reads (the source only when linking sources)."""
    keep = [c for c in prepared.columns if link_type == "link_only" or c != "source_dataset"]
    return _arrow(prepared, keep)


def _register(db_api: Any, records: Any, link_type: model.LinkType) -> Any:
    """``records`` (an Arrow table) as the linker's input: one table, or one per source for link_only."""
    if link_type == "link_only":
        import pyarrow.compute as pc

        sources = records.column("source_dataset")
        # In order of the source names, each keeping its records in input order, as groupby gave.
        names = sorted(set(sources.to_pylist()))
        return [db_api.register(records.filter(pc.equal(sources, name))) for name in names]
    return db_api.register(records)


def _unregister(db_api: Any, tables: Any) -> None:
    """Let the database drop its hold on registered input tables, so their memory can be freed."""
    connection = _own_duckdb(db_api)
    if connection is None:
        return
    for table in tables if isinstance(tables, list) else [tables]:
        connection.unregister(table.physical_name)


def _own_duckdb(db_api: Any) -> Any:
    """The DuckDB connection that holds the input, or None when another engine does.

    Every Splink database API carries a DuckDB connection, Spark's too (a private one): the SQL dialect
    says which engine the input is in.
    """
    return db_api.duckdb_con if db_api.sql_dialect.sql_dialect_str == "duckdb" else None


def _estimate_u(linker: Any, say: Progress) -> None:
    tick = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    say(f"estimated u from {U_MAX_PAIRS:,.0f} random pairs in {time.perf_counter() - tick:.1f}s")


def _estimate_prior_and_m(
    trainer: Any, extra_identifiers: Sequence[str], records: int, say: Progress
) -> None:
    """The prior from deterministic rules, then m by EM; ``records`` is the size of the whole input."""
    from splink.internals.exceptions import SplinkException

    try:
        trainer.training.estimate_probability_two_random_records_match(
            model.deterministic_rules(extra_identifiers), recall=PRIOR_RECALL
        )
    except (SplinkException, ValueError) as error:
        say(f"prior not estimated: {error}")
    settings = trainer._settings_obj
    prior = settings._probability_two_random_records_match
    if not 0 < prior < 1:
        # A handful of records can give no certain pair (prior 0) or only certain pairs (prior 1), and
        # both make every score degenerate. Assume instead that each record has about one other copy.
        settings._probability_two_random_records_match = min(0.5, 1 / max(records - 1, 1))
    say(f"prior match probability {settings._probability_two_random_records_match:.3g}")
    for rule in model.TRAINING_RULES:
        comparisons = list(settings.core_model_settings.comparisons)
        tick = time.perf_counter()
        try:
            trainer.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
            )
        except (SplinkException, ValueError, ZeroDivisionError) as error:
            # Too few blocked pairs to train on: the comparisons keep their default m values. Splink
            # takes the blocked comparisons out of the model while training and does not put them back
            # when training fails, so they are restored here.
            settings.core_model_settings.comparisons = comparisons
            say(f"EM blocked on {rule.get_blocking_rule('duckdb').blocking_rule_sql} skipped: {error}")
        else:
            say(f"estimated m by EM in {time.perf_counter() - tick:.1f}s")


def _return_freed_memory() -> None:
    """Hand memory the program has freed back to the system, where the C library allows it.

    glibc keeps freed heap memory for reuse rather than returning it, and after ``prepare`` that was
    some 0.45 GB at a million records, held through scoring, where the process reaches its peak.
    Elsewhere (no glibc) this does nothing.
    """
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def _quiet_splink() -> None:
    # Splink logs every SQL step at INFO; progress is reported through ``progress`` instead.
    logging.getLogger("splink").setLevel(logging.ERROR)


def _arrow(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> Any:
    import pyarrow as pa

    columns = list(frame.columns) if columns is None else columns
    # Explicit types: a column that happens to be all null would otherwise become Arrow's null type,
    # which the SQL engines cannot compare with anything.
    types = {"family_tokens": pa.list_(pa.string()), "dob_year": pa.int32()}
    types |= {key: pa.int32() for key in features.BLOCKING_KEYS}
    if pd.api.types.is_integer_dtype(frame["unique_id"]):
        types["unique_id"] = pa.int64()
    schema = pa.schema([(c, types.get(c, pa.string())) for c in columns])
    return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)


def _database(engine: str) -> tuple[Any, Callable[[], None]]:
    if engine == "duckdb":
        import duckdb
        from splink import DuckDBAPI

        connection = duckdb.connect()
        # DuckDB would take up to 80% of RAM; bounded, it spills its largest joins to a private
        # directory instead, which at a million records costs little time and saves about 0.5 GB.
        spill = tempfile.TemporaryDirectory(prefix="goldenthread-duckdb-")
        memory = env_memory("GOLDENTHREAD_DUCKDB_MEMORY", DUCKDB_MEMORY)
        connection.execute("SET enable_progress_bar = false")
        connection.execute(f"SET memory_limit = '{_sql_text(memory)}'")
        connection.execute(f"SET temp_directory = '{_sql_text(spill.name)}'")

        def cleanup() -> None:
            connection.close()
            spill.cleanup()

        return DuckDBAPI(connection=connection), cleanup
    return _spark_database()


def _sql_text(value: str) -> str:
    return value.replace("'", "''")


def _spark_database() -> tuple[Any, Callable[[], None]]:
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    # Local mode talks to itself only: bind to loopback rather than guess an interface.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    log_config = Path(__file__).with_name("spark-log4j2.properties")
    workdir = tempfile.TemporaryDirectory(prefix="goldenthread-spark-")
    spark = (
        SparkSession.builder.master("local[*]")
        .appName("goldenthread-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config.as_uri()}")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", env_memory("GOLDENTHREAD_SPARK_MEMORY", SPARK_MEMORY))
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.local.dir", workdir.name)
        .config("spark.sql.warehouse.dir", str(Path(workdir.name) / "warehouse"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(str(Path(workdir.name) / "checkpoints"))

    def cleanup() -> None:
        spark.stop()
        workdir.cleanup()

    return SparkAPI(spark_session=spark), cleanup  # type: ignore[no-untyped-call]  # Splink leaves it unannotated
