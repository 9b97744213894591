"""Real-time person search on PostgreSQL: latency, right child in the top 10, and throughput.

    .venv/bin/python bench/bench_search.py --persons 1000000 \
        [--database-url postgres://postgres@127.0.0.1:5432/gt_search_bench] [--queries 1000] [--clients 4]
        [--statements]

Creates the database if needed and migrates it with the project's migrations, then bulk-loads N persons
with PostgreSQL COPY (skipped when the database already holds N persons): the project's synthetic
generator makes each child's household and one messy agency copy of the child, which is indexed as the
Person with its name, address and NHS number rows (keys built with the project's own key functions,
computed once per distinct value). Secondary indexes and foreign keys are dropped for the load and
rebuilt afterwards. For a sample of children the generator makes a DIFFERENT agency copy, kept in the
table ``bench_search_query``, and those are the searches, in four practitioner shapes taken in turn:

    name_dob        given and family name with the date of birth as the copy has it
    name_approx_pc  the names, only the year (or year and month) of birth, and the postcode
    nhs             the NHS number alone, when the copy has a valid one and the indexed copy has one
                    (a number the index does not hold cannot find anyone); else name and date of birth
    typo_dob        one name misspelt once more, with the date of birth

Reports load time and database size, p50/p95/p99 of ``people_search`` for a single client, the share
of searches with the right child in the top 10 (of searches whose copy gives anything to search on),
and queries per second with several client processes, each with its own connection; with
``--statements``, the time each SQL statement shape takes per search (EXPLAIN ANALYZE the worst). A
database that already holds N persons and the queries is measured again without reloading. Prints
figures; never fails on them.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urlparse

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/gt_search_bench"
LOADED_TABLES = ("people_person", "people_personname", "people_address", "people_identifier")
SHAPES = ("name_dob", "name_approx_pc", "nhs", "typo_dob")


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("GOLDENTHREAD_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.config.settings")
    import django

    django.setup()


def _database_create(url: str) -> None:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- generating and loading ----------------------------------------------------------------------


@cache
def _name_keys(text: str) -> tuple[str, str, str]:
    from goldenthread.linkage import normalise as nm

    return nm.name_key(text), nm.canonical_given_name(text), nm.phonetic_key(text)


@cache
def _birth(text: str) -> Any:
    from goldenthread.linkage.keys import parse_birth_date

    return parse_birth_date(text) if text else None


@cache
def _postcode(text: str) -> tuple[str, str] | None:
    from goldenthread.linkage.keys import postcode_keys

    return postcode_keys(text) if text else None


@cache
def _sex(text: str) -> str:
    from goldenthread.linkage.keys import normalise_sex

    return normalise_sex(text) or "unknown"


def _nhs(text: str) -> str | None:
    from goldenthread.linkage import normalise as nm

    return nm.normalise_nhs_number(text) if text else None


def _copies(persons: int, queries: int, seed: int) -> Iterator[tuple[int, list[str], list[str] | None]]:
    """(person id, indexed copy, query copy or None) for each child; the copy columns are the
    generator's record columns (source, given, family, dob, sex, postcode, line, nhs, true id)."""
    from goldenthread.linkage import synthetic
    from goldenthread.linkage import synthetic_names as pools

    gen = synthetic.Generator(seed)
    step = max(1, persons // max(1, queries))
    made = 0
    while made < persons:
        for child in gen.household():
            if made >= persons:
                return
            made += 1
            first, second = gen.rng.sample(pools.AGENCIES, 2)
            indexed = gen.record(child, first)
            query = gen.record(child, second) if made % step == 0 else None
            yield made, indexed, query


def _query_row(
    pk: int, number: int, copy: list[str], indexed_nhs: bool, typo: Callable[[str], str]
) -> tuple[Any, ...]:
    shape = SHAPES[number % len(SHAPES)]
    _source, given, family, dob, _sex_text, postcode, _line, nhs, _true = copy
    if shape == "name_approx_pc":
        birth = _birth(dob)
        if birth is None:
            dob = ""
        elif number % 8 < 4:
            dob = f"{birth.date.year:04d}"
        else:
            dob = f"{birth.date.year:04d}-{birth.date.month:02d}"
        return (pk, shape, given, family, dob, postcode, "")
    if shape == "nhs" and indexed_nhs and _nhs(nhs):
        return (pk, shape, "", "", "", "", nhs)
    if shape == "typo_dob":
        if family and (number % 2 or not given):
            family = typo(family)
        elif given:
            given = typo(given)
    return (pk, "nhs_fallback" if shape == "nhs" else shape, given, family, dob, "", "")


def _indexes_drop(cur: Any) -> list[str]:
    """Drop the loaded tables' secondary indexes and foreign keys; the statements that rebuild them."""
    rebuild: list[str] = []
    for table in LOADED_TABLES:
        for name, definition in cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
            (table,),
        ).fetchall():
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = %s AND NOT x.indisprimary",
            (table,),
        ).fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            rebuild.insert(0, definition)
    return rebuild


def _load(url: str, persons: int, queries: int, seed: int) -> float:
    import psycopg

    from goldenthread.linkage import synthetic

    started = time.perf_counter()
    now = datetime.now(UTC)
    typo_gen = synthetic.Generator(seed + 1)
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("TRUNCATE people_person, people_personname, people_address, people_identifier CASCADE")
        cur.execute("DROP TABLE IF EXISTS bench_search_query")
        cur.execute(
            "CREATE TABLE bench_search_query (person_id bigint, shape text, given_name text, "
            "family_name text, date_of_birth text, postcode text, nhs_number text)"
        )
        rebuild = _indexes_drop(cur)
        conn.commit()
        # One COPY at a time per connection: a connection for each table, all streaming together.
        stack = contextlib.ExitStack()
        extra = {t: stack.enter_context(psycopg.connect(url)) for t in LOADED_TABLES[1:]}
        person_copy = stack.enter_context(
            cur.copy(
                "COPY people_person (id, given_name, family_name, date_of_birth, dob_precision, sex, "
                "preferred_language, interpreter_needed, is_shielded, brokered_contact, created_at, "
                "updated_at) FROM STDIN"
            )
        )
        names = stack.enter_context(
            extra["people_personname"]
            .cursor()
            .copy(
                "COPY people_personname (person_id, kind, given_name, family_name, given_key, given_canon, "
                "given_phon, family_key, family_phon, person_born) FROM STDIN"
            )
        )
        addresses = stack.enter_context(
            extra["people_address"]
            .cursor()
            .copy("COPY people_address (person_id, line, postcode, postcode_sector) FROM STDIN")
        )
        identifiers = stack.enter_context(
            extra["people_identifier"]
            .cursor()
            .copy("COPY people_identifier (person_id, kind, value) FROM STDIN")
        )
        query_rows: list[tuple[Any, ...]] = []
        for pk, copy, query in _copies(persons, queries, seed):
            _source, given, family, dob, sex, postcode, line, nhs, _true = copy
            birth = _birth(dob)
            person_copy.write_row(
                (
                    pk,
                    given,
                    family,
                    birth.date if birth else None,
                    birth.precision if birth else "unknown",
                    _sex(sex),
                    "",
                    False,
                    False,
                    "",
                    now,
                    now,
                )
            )
            gk, gc, gp = _name_keys(given)
            fk, _fc, fp = _name_keys(family)
            if gk or fk:
                names.write_row(
                    (pk, "primary", given, family, gk, gc, gp, fk, fp, birth.date if birth else None)
                )
            pc = _postcode(postcode)
            if line or pc:
                addresses.write_row((pk, line, pc[0] if pc else "", pc[1] if pc else ""))
            number = _nhs(nhs)
            if number:
                identifiers.write_row((pk, "nhs_number", number))
            if query is not None:
                query_rows.append(_query_row(pk, len(query_rows), query, bool(number), typo_gen.typo))
            if pk % 1_000_000 == 0:
                print(f"  generated {pk:,} persons in {time.perf_counter() - started:.0f} s", flush=True)
        stack.close()  # ends the COPYs and commits the extra connections
        with cur.copy("COPY bench_search_query FROM STDIN") as out:
            for query_row in query_rows:
                out.write_row(query_row)
        cur.execute("SELECT setval('people_person_id_seq', %s)", (persons,))
        conn.commit()
        copied = time.perf_counter() - started
        print(f"  copied in {copied:.0f} s; rebuilding {len(rebuild)} indexes and constraints", flush=True)
        cur.execute("SET maintenance_work_mem = '1GB'")
        for statement in rebuild:
            cur.execute(statement)
        conn.commit()
    _after_load()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _after_load() -> None:
    """The search's table of distinct name keys, which the COPY load bypassed."""
    from goldenthread.people.derive import name_keys_rebuild

    name_keys_rebuild()


# --- searching ------------------------------------------------------------------------------------


def _queries() -> list[tuple[int, str, Any]]:
    from django.db import connection

    from goldenthread.linkage import normalise as nm
    from goldenthread.linkage.keys import parse_birth_date, postcode_keys
    from goldenthread.people.search import SearchQuery

    with connection.cursor() as cur:
        cur.execute("SELECT * FROM bench_search_query ORDER BY person_id")
        rows = cur.fetchall()
    out = []
    for pk, shape, given, family, dob, postcode, nhs in rows:
        birth = parse_birth_date(dob) if dob else None  # a malformed date is left out, as the form would
        pc = postcode_keys(postcode) if postcode else None
        number = nm.normalise_nhs_number(nhs) if nhs else None
        query = SearchQuery(
            given_name=given,
            family_name=family,
            birth=birth,
            postcode=pc[0] if pc else "",
            postcode_sector=pc[1] if pc else "",
            nhs_number=number or "",
        )
        if query.criteria():
            out.append((pk, shape, query))
    return out


def _run(queries: list[tuple[int, str, Any]]) -> tuple[list[float], list[bool]]:
    from goldenthread.people.search import people_search

    seconds, found = [], []
    for pk, _shape, query in queries:
        started = time.perf_counter()
        hits = people_search(query)
        seconds.append(time.perf_counter() - started)
        found.append(pk in [hit.person.pk for hit in hits[:10]])
    return seconds, found


def _statements(queries: list[tuple[int, str, Any]]) -> None:
    """Time each SQL statement of the searches, by statement shape (its first words), slowest first."""
    import re
    from collections import defaultdict

    from django.db import connection

    from goldenthread.people.search import people_search

    spent: dict[str, list[float]] = defaultdict(list)

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[re.sub(r"\s+", " ", sql)[:90]].append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(timed):
        for _pk, _shape, query in queries:
            people_search(query)
    print(f"SQL by statement ({len(queries)} searches; ms per search, then p50/p95 per execution):")
    for shape, ms in sorted(spent.items(), key=lambda item: -sum(item[1])):
        print(
            f"  {sum(ms) / len(queries):6.2f}  n={len(ms):5}  p50 {_percentile(ms, 0.5):6.2f}  "
            f"p95 {_percentile(ms, 0.95):6.2f}  {shape}"
        )


def _client(args: tuple[list[tuple[int, str, Any]], Any]) -> int:
    queries, barrier = args
    from django.db import connections

    connections.close_all()
    _run(queries[:5])  # connect and warm up
    barrier.wait()
    _run(queries)
    return len(queries)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4, help="throughput client processes (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reload", action="store_true", help="load even if the database holds N persons")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="search with only the first N of the queries")
    parser.add_argument(
        "--statements", action="store_true", help="also time each SQL statement of the searches, by shape"
    )
    args = parser.parse_args(argv)

    _database_create(args.database_url)
    _django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_person")
        held = cur.fetchone()[0]
        cur.execute("SELECT to_regclass('bench_search_query') IS NOT NULL")
        has_queries = cur.fetchone()[0]
    if held != args.persons or not has_queries or args.reload:
        print(f"loading {args.persons:,} persons into {args.database_url}", flush=True)
        connection.close()
        seconds = _load(args.database_url, args.persons, args.queries, args.seed)
        print(f"load: {seconds:.0f} s")
    else:
        print(f"database already holds {held:,} persons: not reloaded")
    with connection.cursor() as cur:
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        print(f"database size: {cur.fetchone()[0]}")
        for table in (*LOADED_TABLES, "people_namekey"):
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if cur.fetchone()[0]:
                cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
                print(f"  {table}: {cur.fetchone()[0]:,} rows")
    if args.load_only:
        return 0

    queries = _queries()
    if args.sample:
        queries = queries[: args.sample]
    _run(queries[:20])  # warm the connection and caches
    seconds, found = _run(queries)
    ms = [s * 1000 for s in seconds]
    print(f"searches: {len(queries)} (single client)")
    print(
        f"latency ms: p50 {_percentile(ms, 0.5):.1f}  p95 {_percentile(ms, 0.95):.1f}  "
        f"p99 {_percentile(ms, 0.99):.1f}  mean {statistics.fmean(ms):.1f}"
    )
    print(f"right child in top 10: {sum(found) / len(found):.1%}")
    for shape in sorted({s for _, s, _ in queries}):
        picked = [i for i, (_, s, _) in enumerate(queries) if s == shape]
        shape_ms = [ms[i] for i in picked]
        print(
            f"  {shape:15} n={len(picked):4}  top10 {sum(found[i] for i in picked) / len(picked):6.1%}  "
            f"p50 {_percentile(shape_ms, 0.5):6.1f}  p95 {_percentile(shape_ms, 0.95):6.1f} ms"
        )

    if args.statements:
        _statements(queries)
    if args.clients < 1:
        return 0
    connection.close()
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Manager().Barrier(args.clients + 1)
    with ctx.Pool(args.clients) as pool:
        shards = [queries[i :: args.clients] for i in range(args.clients)]
        result = pool.map_async(_client, [(shard, barrier) for shard in shards])
        barrier.wait()
        started = time.perf_counter()
        done = sum(result.get())
        wall = time.perf_counter() - started
    print(
        f"throughput: {done / wall:.1f} queries/s with {args.clients} client processes "
        f"({os.cpu_count()} CPUs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
