"""The import's pages: the format and a template to start from, rejected rows with the agency's record id
under a warning (never a plain summary), and who may resume or abandon an unfinished import."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from goldenthread.agencies.models import Agency, AgencyKind
from goldenthread.core.actor import Actor
from goldenthread.people.actions import records_import, records_import_continue, records_import_start
from goldenthread.people.import_format import FORMAT_TABLE
from goldenthread.people.importing import COLUMNS, parse_file
from goldenthread.people.models import ImportBatch
from tests.integration.people_support import AMELIA, agency, csv_bytes, row

pytestmark = pytest.mark.django_db

DOC = Path(__file__).parents[2] / "docs" / "import-format.md"


def test_import_format_table_same_as_document() -> None:
    lines = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    assert [tuple(cell.strip() for cell in line.strip("|").split(" | ")) for line in lines] == list(
        FORMAT_TABLE
    )
    named = {name for columns, _, _ in FORMAT_TABLE for name in re.findall(r"`([a-z_]+)`", columns)}
    assert named == set(COLUMNS)


def test_import_format_page_lists_every_column_and_the_limits(signed_in: Any, settings: Any) -> None:
    page = signed_in("ig_officer").get(reverse("people:import-format")).content.decode()
    for column in COLUMNS:
        assert f"<code>{column}</code>" in page
    limits = settings.IMPORT_LIMITS
    assert f"more than {limits.max_rows} records" in page and f"longer than {limits.max_field_chars}" in page


def test_import_page_links_format_and_template(signed_in: Any) -> None:
    page = signed_in("ig_officer").get(reverse("people:import")).content.decode()
    assert reverse("people:import-format") in page and reverse("people:import-template") in page


def test_import_template_imports_cleanly(signed_in: Any) -> None:
    response = signed_in("ig_officer").get(reverse("people:import-template"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert next(csv.reader(io.StringIO(content.decode()))) == list(COLUMNS)
    parsed = parse_file(content, "template.csv")
    assert [r.errors for r in parsed.rows] == [[]]


def _finished_with_rejections() -> ImportBatch:
    rows = [AMELIA, row(local_id="H-2", date_of_birth="2016-02-31"), row(local_id="H-3", service="")]
    return records_import(
        agency=agency("test-csc"), filename="f.csv", content=csv_bytes(rows), by=Actor(username="t")
    )


def test_import_detail_rejected_rows_warning_with_record_ids(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    batch = _finished_with_rejections()
    page = client.get(reverse("people:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-rejected-banner"' in page
    assert "2 of 3 rows were not imported" in page
    assert "govuk-notification-banner--success" not in page and "Success" not in page
    cells = re.findall(
        r'<td class="govuk-table__cell">([^<]*)</td>', page.split('data-testid="import-errors"')[1]
    )
    assert cells[:4] == [
        "2",
        "H-2",
        "date_of_birth",
        "There is no such date: that month has fewer days (such as 31 February)",
    ]
    assert cells[4:7] == ["3", "H-3", "service"]


def test_import_detail_all_rows_imported_no_warning(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    batch = records_import(
        agency=agency("test-csc"), filename="f.csv", content=csv_bytes([AMELIA]), by=Actor(username="t")
    )
    page = client.get(reverse("people:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="import-rejected-banner"' not in page


def _unfinished_elsewhere() -> ImportBatch:
    by = Actor(username="cli:someone", agency_code="health")
    rows = [row(local_id=f"H-{n}") for n in range(3)]
    batch = records_import_start(agency=agency("health"), filename="h.csv", content=csv_bytes(rows), by=by)
    return records_import_continue(batch=batch, by=by, max_rows=1)


def test_import_partnership_ig_sees_and_abandons_other_agencys_import(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    Agency.objects.filter(code="test-csc").update(kind=AgencyKind.PARTNERSHIP)
    batch = _unfinished_elsewhere()
    listing = client.get(reverse("people:import")).content.decode()
    assert 'data-testid="imports-elsewhere"' in listing and "h.csv" in listing
    assert client.get(reverse("people:import-detail", args=[batch.pk])).status_code == 200
    response = client.post(reverse("people:import-stop", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.is_finished and batch.content is None and batch.rows_done == 1


def test_import_other_agencys_ig_cannot_see_or_stop_import(signed_in: Any) -> None:
    client = signed_in("ig_officer")
    batch = _unfinished_elsewhere()
    assert 'data-testid="imports-elsewhere"' not in client.get(reverse("people:import")).content.decode()
    assert client.get(reverse("people:import-detail", args=[batch.pk])).status_code == 404
    assert client.post(reverse("people:import-stop", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert not batch.is_finished
